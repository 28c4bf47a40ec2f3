import Foundation
import Synchronization
import Testing
import SwitchboardTestSupport

/// Agents' media downloads through the running host: a provider that takes its time
/// holds the download pool, never the HTTP server.
@Suite struct MediaServeTests {
    @Test func manyPendingMediaDownloadsDoNotDelayHealthz() throws {
        let h = try PipelineHarness(extraHostYAML: """
            media:
              downloads: 8
              downloads_per_workspace: 32
              keep_inbound: false
            """)
        // Not kept on arrival: agents' downloads go to the provider.
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<50_000).map { UInt8($0 % 253) }
        h.graph.addMedia(id: "880001", bytes: jpeg, mimeType: "image/jpeg")
        let created = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", h.host.configPath],
                                         cwd: h.host.dir)
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        try h.start()
        let image = FixtureMessage(from: "2348031234567", name: "Titi", timestamp: Int(Date().timeIntervalSince1970),
                                   content: .image(mediaID: "880001", caption: "our cake"))
        #expect(try h.post([image]).status == 200)

        // The stored message's id, from the inbox API.
        let auth = ["Authorization": "Bearer \(token)"]
        var messageID: String?
        for _ in 0..<500 where messageID == nil {
            let list = try h.host.client.get("/api/v1/conversations", headers: auth)
            if let id = ((try? list.json()) as? [String: Any]).flatMap({ $0["items"] as? [[String: Any]] })?.first?["id"] as? String {
                let detail = try h.host.client.get("/api/v1/conversations/\(id)", headers: auth)
                let messages = ((try? detail.json()) as? [String: Any])?["messages"] as? [[String: Any]] ?? []
                messageID = messages.first { $0["kind"] as? String == "image" }?["id"] as? String
            }
            if messageID == nil { usleep(10_000) }
        }
        let id = try #require(messageID)

        // 24 downloads (more than the server's 16 threads) wait on the provider.
        h.graph.holdMedia(true)
        let answered = Atomic<Int>(0)
        let results = Mutex<[(Int, Int)]>([])
        let group = DispatchGroup()
        for _ in 0..<24 {
            group.enter()
            Thread.detachNewThread {
                var client = h.host.client
                client.timeout = 60
                let r = try? client.get("/api/v1/messages/\(id)/media", headers: auth)
                answered.add(1, ordering: .sequentiallyConsistent)
                results.withLock { $0.append((r?.status ?? 0, r?.body.count ?? 0)) }
                group.leave()
            }
        }
        #expect(h.graph.wait(timeout: .seconds(30)) { $0.mediaLookupsWaiting == 8 })
        let health = try h.host.client.get("/healthz")
        #expect(health.status == 200)
        #expect(answered.load(ordering: .sequentiallyConsistent) == 0)   // /healthz came first
        h.graph.holdMedia(false)
        #expect(group.wait(timeout: .now() + 60) == .success)
        let all = results.withLock { $0 }
        #expect(all.count == 24)
        #expect(all.allSatisfy { $0.0 == 200 && $0.1 == jpeg.count }, "\(all)")
    }
}
