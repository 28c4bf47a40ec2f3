import Foundation
import Testing
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore
@testable import SwitchboardHost

/// A contact's erasure beyond the workspace's own rows: the held (unrouted) messages of
/// their address on the workspace's channels, and plugin state attributable to them (keys
/// naming the contact or a conversation, the llm plugin's cached answers to their
/// questions). Other senders, other channels and other questions stay.
@Suite struct ErasureScopeTests {
    func router(_ f: InboxFixture, _ scope: DataCare.ErasureScope) -> HTTPRouter {
        var api = f.api
        api.erasureScope = { _ in scope }
        var router = HTTPRouter()
        api.addRoutes(to: &router) { _ in .success(DataCareTests.owner("a")) }
        return router
    }

    static func cache(_ entries: [String: String]) -> [UInt8] {
        let object: [String: Any] = ["version": "k1", "entries": entries.mapValues { [$0, 1_700_000_000.0] as [Any] }]
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    @Test func eraseClearsTheContactsHeldMessagesAndPluginStateAndNothingElse() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", phone: "+2348031111111", name: "Ada", text: "Do you deliver to Lekki Phase 1?")
        let other = try f.inbound("a", phone: "+2348032222222", name: "Bola", text: "What time do you open?")
        let q = f.store.queue
        // Held messages: hers on a channel of a, hers on a channel a does not use, and
        // another sender's on a's channel.
        #expect(try q.holdUnrouted(channel: "wa-main", providerAddress: "1", providerMessageID: "m1", sender: "2348031111111",
                                   reason: "no workspace lists the sender", payloadJSON: #"{"text":"my address is 12 Palm"}"#))
        #expect(try q.holdUnrouted(channel: "wa-other", providerAddress: "2", providerMessageID: "m2", sender: "2348031111111",
                                   reason: "no workspace lists the sender", payloadJSON: "{}"))
        #expect(try q.holdUnrouted(channel: "wa-main", providerAddress: "1", providerMessageID: "m3", sender: "2348032222222",
                                   reason: "no workspace lists the sender", payloadJSON: "{}"))
        // Plugin state: a key naming her conversation, one naming Bola's, and the llm
        // cache with her question and Bola's.
        let state = f.ws("a").pluginState
        try state.set(plugin: "handoff", key: "unanswered:\(c.id)", value: Array("2".utf8))
        try state.set(plugin: "handoff", key: "unanswered:\(other.id)", value: Array("1".utf8))
        try state.set(plugin: "llm", key: "cache", value: Self.cache([
            "do you deliver to lekki phase 1": "Yes, 1,500 naira.", "what time do you open": "8am.",
        ]))
        try f.ws("b").pluginState.set(plugin: "handoff", key: "unanswered:\(c.id)", value: Array("9".utf8))

        let scope = DataCare.ErasureScope(channels: ["wa-main"], plugins: ["handoff", "llm"])
        let r = router(f, scope).post("/api/v1/contacts/\(c.contactID)/erase", json: #"{"confirm":true}"#)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["unrouted"] as? Int == 1)
        #expect(r.object["plugin_state"] as? Int == 2)

        let held = try q.unrouted(limit: 10).map(\.providerMessageID).sorted()
        #expect(held == ["m2", "m3"])   // her message on a channel of another business, and Bola's, stay
        #expect(try state.get(plugin: "handoff", key: "unanswered:\(c.id)") == nil)
        #expect(try state.get(plugin: "handoff", key: "unanswered:\(other.id)") != nil)
        let cache = String(decoding: try #require(try state.get(plugin: "llm", key: "cache")), as: UTF8.self)
        #expect(!cache.contains("lekki") && cache.contains("what time do you open"))
        #expect(try f.ws("b").pluginState.get(plugin: "handoff", key: "unanswered:\(c.id)") != nil)
    }

    /// An llm cache that cannot be read may hold the contact's questions: erasure removes
    /// it whole rather than leaving it.
    @Test func anUnreadableLLMCacheIsRemovedWhole() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", phone: "+2348031111111", name: "Ada", text: "Do you deliver to Lekki Phase 1?")
        let state = f.ws("a").pluginState
        try state.set(plugin: "llm", key: "cache", value: Array("{\"entries\": {\"do you deliver to lekki".utf8))
        let scope = DataCare.ErasureScope(channels: ["wa-main"], plugins: ["llm"])
        let r = router(f, scope).post("/api/v1/contacts/\(c.contactID)/erase", json: #"{"confirm":true}"#)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["plugin_state"] as? Int == 1)
        #expect(try state.get(plugin: "llm", key: "cache") == nil)
    }

    /// The scope from the config: the workspace's own channels and its fallback channels,
    /// shared channels when it lists senders; its plugins.
    @Test func theScopeComesFromTheConfig() throws {
        let config = try ConfigLoader.parse(host: """
            storage:
              sqlite: unused.db
            whatsapp:
              apps:
                - id: main
                  app_secret: s3cret-app
                  verify_token: v3rify
            channels:
              - {id: own, type: webchat, workspace: a}
              - {id: shared, type: whatsapp, app: main, phone_number_id: "1065", access_token: tok}
              - {id: theirs, type: webchat, workspace: b}
            """, workspaces: [
                (file: "a.yaml", text: "id: a\nname: A\nregion: NG\ntimezone: Africa/Lagos\nsenders: [\"+2348031111111\"]\nplugins: [{name: faq, config: {entries: []}}]\n"),
                (file: "b.yaml", text: "id: b\nname: B\nregion: NG\ntimezone: Africa/Lagos\n"),
            ])
        let a = DataCare.ErasureScope(config, workspace: "a")
        #expect(a.channels.map(\.rawValue).sorted() == ["own", "shared"])
        #expect(a.plugins == ["faq"])
        let b = DataCare.ErasureScope(config, workspace: "b")
        #expect(b.channels.map(\.rawValue) == ["theirs"])
    }
}
