import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
@testable import SwitchboardHost

/// `GET /api/v1/channels`: the channels of the caller's workspace with their live state,
/// from the real `ChannelHealth` (what the inbox's admin banner reads).
@Suite struct InboxChannelsTests {
    @Test func aChannelWhoseCredentialsWereRefusedIsListedDownWithTheReason() throws {
        let f = try InboxFixture()
        let metrics = PipelineMetrics(MetricsRegistry())
        let logger = Logger(sink: LogSink(level: .error))
        let wa = ChannelHealth(channel: "wa-main", logger: logger, metrics: metrics)
        let tg = ChannelHealth(channel: "tg-demo", logger: logger, metrics: metrics)
        let served: [(ChannelHealth, String, WorkspaceID)] = [(wa, "whatsapp", "a"), (tg, "telegram", "a")]
        let api = InboxAPI(store: f.store, replies: f.api.replies, logger: logger, channels: { workspace in
            served.filter { $0.2 == workspace }.map { h, type, _ in
                let s = h.snapshot
                return (h.channel, type, ChannelStatus(channel: h.channel, state: s.state, reason: s.reason, since: s.since))
            }
        })
        var router = HTTPRouter()
        api.addRoutes(to: &router) { request in
            .success(AuthContext(workspace: WorkspaceID(request.headers["X-WS"] ?? "a"), userID: "u", name: "u",
                                 role: .admin, credential: .token))
        }
        wa.apply(.authFailure, reason: "graph api auth (HTTP 401) code 190")
        tg.apply(.callSucceeded, reason: nil)
        let r = router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/channels"))
        #expect(r.status == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        let list = try #require(body["channels"] as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["wa-main", "tg-demo"])
        #expect(list[0]["state"] as? String == "auth_failed")
        #expect(list[0]["down"] as? Bool == true)
        #expect(list[0]["reason"] as? String == "graph api auth (HTTP 401) code 190")
        #expect(list[1]["state"] as? String == "connected")
        #expect(list[1]["down"] as? Bool == false)
        #expect(list[1]["reason"] is NSNull)
        // Another workspace sees none of them.
        let other = router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/channels", headers: ["X-WS": "b"]))
        #expect(String(decoding: other.body, as: UTF8.self) == #"{"channels":[]}"#)
    }
}

/// A WhatsApp Web number waiting for its phone: admins and owners get its QR code with
/// the channel, agents never (it links the business's WhatsApp account).
@Suite struct InboxChannelPairingTests {
    @Test func theQRCodeGoesToAdminsOnly() throws {
        let f = try InboxFixture()
        let metrics = PipelineMetrics(MetricsRegistry())
        let logger = Logger(sink: LogSink(level: .error))
        let web = ChannelHealth(channel: "wa-web", logger: logger, metrics: metrics)
        let api = InboxAPI(store: f.store, replies: f.api.replies, logger: logger, channels: { _ in
            let s = web.snapshot
            return [(web.channel, "whatsapp_web", ChannelStatus(channel: web.channel, state: s.state, reason: s.reason, since: s.since))]
        }, pairing: { _ in PairingCode(code: "2@abc", pairingCode: "WZYE-H1YY", imageDataURL: "data:image/png;base64,iVBORw0KGgo=") })
        func channel(_ role: AuthContext.Role) throws -> [String: Any] {
            var router = HTTPRouter()
            api.addRoutes(to: &router) { _ in .success(AuthContext(workspace: "a", userID: "u", name: "u", role: role, credential: .token)) }
            let r = router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/channels"))
            let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
            return try #require((body["channels"] as? [[String: Any]])?.first)
        }
        // Open: no QR for anyone.
        web.apply(.sessionOpen, reason: nil)
        #expect(try channel(.owner)["pairing"] == nil)
        web.apply(.sessionNeedsPairing, reason: "qr")
        let owner = try channel(.owner)
        #expect(owner["state"] as? String == "needs_pairing")
        #expect(owner["down"] as? Bool == true)
        let pairing = try #require(owner["pairing"] as? [String: Any])
        #expect(pairing["qr_code"] as? String == "2@abc")
        #expect(pairing["pairing_code"] as? String == "WZYE-H1YY")
        #expect(pairing["qr_image"] as? String == "data:image/png;base64,iVBORw0KGgo=")
        #expect(try channel(.admin)["pairing"] != nil)
        let agent = try channel(.agent)
        #expect(agent["state"] as? String == "needs_pairing")
        #expect(agent["pairing"] == nil)
    }
}
