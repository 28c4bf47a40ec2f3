import Foundation
import Testing
import SwitchboardTestSupport

/// A WhatsApp Cloud API number the operator adds to the host config is started by
/// `switchboard reload` (the same path as a workspace's own channel): its first customer
/// is answered by the same process, and the operators' channel list shows its state.
@Suite(.serialized) struct LiveChannelAddTests {
    @Test func aCloudAPINumberAddedToTheHostConfigByAReloadAnswersWithoutARestart() throws {
        let h = try PipelineHarness()
        try h.start()
        let pid = h.host.process.processIdentifier
        let number = "106540352240555"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: h.host.configPath))
        handle.seekToEndOfFile()
        handle.write(Data("""

              - id: wa-second
                type: whatsapp
                app: main
                phone_number_id: "\(number)"
                access_token: \(PipelineHarness.accessToken)
                workspace: demo

            """.utf8))
        try handle.close()
        let reload = try runSwitchboard(["reload", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("channels started: wa-second"), "\(reload.stdout)")
        #expect(!reload.stdout.contains("needs a restart"), "\(reload.stdout)")

        #expect(try h.post([h.text("Hello?", from: "2348035550901")], phoneNumberID: number).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in h.replies.contains { $0.json["to"] as? String == "2348035550901" } })
        #expect(h.replies.first { $0.json["to"] as? String == "2348035550901" }?.phoneNumberID == number)
        #expect(h.host.process.processIdentifier == pid)

        let op = try runSwitchboard(["operator", "add", "--email", "ops@agency.ng", "--config", h.host.configPath], cwd: h.host.dir)
        let token = try #require(op.stdout.split(separator: "\n").last.map(String.init))
        let health = try h.host.client.get("/api/v1/operator/channels", headers: ["Authorization": "Bearer \(token)"])
        let items = (try? JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        let state = items.first { $0["id"] as? String == "wa-second" }?["state"] as? String
        #expect(state != nil && state != "starts_on_restart", "\(health.text)")
    }
}
