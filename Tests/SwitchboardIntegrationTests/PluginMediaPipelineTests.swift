import Foundation
import Testing
import SwitchboardTestSupport

/// A responder plugin reads the picture a customer sent, through the running host: the
/// webhook carries only the media id, the plugin asks (`host->media`), the host looks the
/// id up on the Graph API and downloads the bytes with the channel's token.
@Suite struct PluginMediaPipelineTests {
    /// hello-swift (plugin-sdk/examples) thanks for a picture with its size and type.
    static let workspace = TestWorkspaces.demo + """

        plugins:
          - name: hello-swift
            deadline_ms: 10000
        """

    func image(_ mediaID: String) -> FixtureMessage {
        FixtureMessage(from: "2348031234567", name: "Titi", timestamp: Int(Date().timeIntervalSince1970),
                       content: .image(mediaID: mediaID, caption: "our cake"))
    }

    @Test func aPluginGetsThePictureThroughTheGraphAPI() throws {
        // Inbound media not kept on arrival: the plugin's own download is the only call.
        let h = try PipelineHarness(workspaces: ["demo": Self.workspace], extraHostYAML: """
            media:
              keep_inbound: false
            """)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 3000)
        h.graph.addMedia(id: "880001", bytes: jpeg, mimeType: "image/jpeg")
        try h.start()

        #expect(try h.post([image("880001")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.last?.text == "Thanks for the picture (3004 bytes, image/jpeg).")
        let download = h.graph.requests.filter { $0.path == "/media-download/880001" }
        #expect(download.count == 1)
        #expect(download.first?.authorization == "Bearer \(PipelineHarness.accessToken)")

        // Media the provider no longer has: the plugin fails, the journal says why, and
        // the workspace's fallback answers.
        #expect(try h.post([image("880404")]).status == 200)
        #expect(h.waitForReplies(2))
        #expect(h.replies.last?.text == "Thanks! We will get back to you shortly.")
        let failure = try #require(try h.events().first { $0.contains(" plugin_error ") })
        #expect(failure.contains("hello-swift"))
        #expect(failure.contains("host->media failed"))
        #expect(failure.contains("880404"))
        #expect(h.host.logText.contains("message media download failed"))

        // The provider failing for now (500, 131000): journalled as retryable.
        h.graph.failNext(1, with: .serverError)
        #expect(try h.post([image("880001")]).status == 200)
        #expect(h.waitForReplies(3))
        #expect(h.replies.last?.text == "Thanks! We will get back to you shortly.")
        let retryable = try h.events().filter { $0.contains(" plugin_error ") }
        #expect(retryable.count == 2)
        #expect(retryable.last?.contains("plugin hello-swift (workspace demo) retryable") == true)
        #expect(retryable.last?.contains("code 131000") == true)
    }
}
