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
