import Foundation
import Testing

/// The inbox API in the running binary: its document is public, everything else needs a
/// credential (without one: 401, whatever the authentication).
@Suite(.serialized) struct InboxServeTests {
    @Test func theDocumentIsServedAndTheRoutesWantACredential() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        let c = host.client
        let doc = try c.get("/api/v1/openapi.json")
        #expect(doc.status == 200)
        let json = try JSONSerialization.jsonObject(with: Data(doc.text.utf8)) as? [String: Any]
        #expect(json?["openapi"] as? String == "3.0.3")
        for path in ["/api/v1/conversations", "/api/v1/contacts", "/api/v1/search?q=x", "/api/v1/events",
                     "/api/v1/conversations/cv_1"] {
            let r = try c.get(path)
            #expect(r.status == 401, "\(path)")
            #expect(r.text.hasPrefix("{\"error\":"), "\(path)")
        }
        #expect(try host.metricsClient.get("/metrics").text.contains("switchboard_inbox_event_streams 0"))
        host.signal(SIGTERM)
        #expect(host.waitForExit(timeout: 15) == 0)
    }
}
