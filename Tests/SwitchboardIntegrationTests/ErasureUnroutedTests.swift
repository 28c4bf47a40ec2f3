import Foundation
import Testing
import SwitchboardTestSupport

/// `switchboard contact erase` on a serving host: the messages a shared number held as
/// unrouted from the customer (before the business listed them) go too; another
/// sender's held messages stay.
@Suite(.serialized) struct ErasureUnroutedTests {
    static let sharedNumber = """
        channels:
          - id: wa-main
            type: whatsapp
            app: main
            phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
            access_token: \(PipelineHarness.accessToken)
        """

    static func demo(senders: [String]) -> String {
        """
        id: demo
        name: Demo Bakery
        region: NG
        timezone: Africa/Lagos
        senders: [\(senders.map { "\"\($0)\"" }.joined(separator: ", "))]
        fallback: "Thanks! We will get back to you shortly."
        """
    }

    @Test func eraseRemovesTheCustomersHeldMessagesOnTheWorkspacesChannels() throws {
        let h = try PipelineHarness(channels: Self.sharedNumber, workspaces: ["demo": Self.demo(senders: ["+2348035550001"])])
        try h.start()
        let cfg = ["--config", h.host.configPath]
        // Two unlisted senders write: held.
        #expect(try h.post([h.text("my address is 3 Palm Close", from: "2348035550010")]).status == 200)
        #expect(try h.post([h.text("someone else", from: "2348035550011")]).status == 200)
        func held() throws -> String { try runSwitchboard(["unrouted"] + cfg, cwd: h.host.dir).stdout }
        // The webhook answers 200 once the message is stored (held, here).
        #expect(try held().components(separatedBy: "\n").filter { $0.contains("from=") }.count == 2)
        // The business lists the first; she writes again and is its customer now.
        try Self.demo(senders: ["+2348035550001", "+2348035550010"])
            .write(toFile: h.host.dir.appendingPathComponent("workspaces/demo.yaml").path, atomically: true, encoding: .utf8)
        #expect(try runSwitchboard(["reload"] + cfg, cwd: h.host.dir).status == 0)
        #expect(try h.post([h.text("hello again", from: "2348035550010")]).status == 200)
        #expect(h.waitForReplies(1))

        let erase = try runSwitchboard(["contact", "erase"] + cfg + ["--workspace", "demo", "--yes", "+2348035550010"], cwd: h.host.dir)
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains("1 held messages"), "\(erase.stdout)")
        let left = try held()
        #expect(!left.contains("2348035550010") && left.contains("from=2348035550011"), "\(left)")
    }
}
