import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The store's host-wide and media records through the protocols, on either backend
/// (`PostgresStoreSuites.swift` runs these on PostgreSQL): channel templates, channel
/// status, a workspace's media records, and retention of old message content.
@Suite struct ChannelRecordsStoreTests {
    let dir = TempDir()
    let store: any Store
    let a: any WorkspaceStore
    let b: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        a = store.workspace("a")
        b = store.workspace("b")
    }

    func template(_ name: String, _ language: String, _ status: MessageTemplate.Status = .approved,
                  channel: ChannelID = "wa-main") -> MessageTemplate {
        MessageTemplate(channelID: channel, name: name, language: language, status: status, category: "UTILITY",
                        providerID: "pt_\(name)", bodyText: "Hello {{1}}, your order {{2}} is ready", headerParameters: 0,
                        bodyParameters: 2, mediaHeader: name == "receipt" ? "DOCUMENT" : nil,
                        componentsJSON: #"[{"type":"BODY","text":"Hello {{1}}"}]"#)
    }

    @Test func templatesAreReplacedPerChannelAndTheirStatusUpdated() throws {
        try store.templates.replace(channel: "wa-main", with: [template("order_ready", "en"), template("order_ready", "fr"),
                                                               template("receipt", "en", .pending)])
        try store.templates.replace(channel: "wa-other", with: [template("welcome", "en", channel: "wa-other")])
        #expect(try store.templates.list(channel: "wa-main").map { "\($0.name)/\($0.language)" }
                == ["order_ready/en", "order_ready/fr", "receipt/en"])
        #expect(try store.templates.get(channel: "wa-main", name: "receipt", language: "en") == template("receipt", "en", .pending))
        #expect(try store.templates.setStatus(channel: "wa-main", name: "receipt", language: "en", status: .approved))
        #expect(try store.templates.get(channel: "wa-main", name: "receipt", language: "en")?.status == .approved)
        #expect(try !store.templates.setStatus(channel: "wa-main", name: "nope", language: "en", status: .approved))
        // A full sync replaces the channel's list, and only that channel's.
        try store.templates.replace(channel: "wa-main", with: [template("order_ready", "en", .paused)])
        #expect(try store.templates.list(channel: "wa-main") == [template("order_ready", "en", .paused)])
        #expect(try store.templates.list(channel: "wa-other").map(\.name) == ["welcome"])
        #expect(try store.templates.get(channel: "wa-main", name: "receipt", language: "en") == nil)
    }

    @Test func channelStatusKeepsTheLastStateOfEachChannel() throws {
        let t = Date(millisecondsSince1970: 1_780_000_000_000)
        try store.channelStatus.record(ChannelStatus(channel: "wa-b", state: .connected, reason: nil, since: t))
        try store.channelStatus.record(ChannelStatus(channel: "wa-a", state: .degraded, reason: "rate limited", since: t))
        try store.channelStatus.record(ChannelStatus(channel: "wa-a", state: .authFailed, reason: "token expired",
                                                     since: t.addingTimeInterval(5)))
        #expect(try store.channelStatus.all() == [
            ChannelStatus(channel: "wa-a", state: .authFailed, reason: "token expired", since: t.addingTimeInterval(5)),
            ChannelStatus(channel: "wa-b", state: .connected, reason: nil, since: t),
        ])
    }

    @Test func mediaRecordsAreTheWorkspacesAndExpire() throws {
        let c = try makeConversation(a)
        let m1 = try #require(try a.messages.insertInbound(inbound(c, "wamid.m1", "photo")).inserted)
        let m2 = try #require(try a.messages.insertInbound(inbound(c, "wamid.m2", "voice")).inserted)
        let image = StoredMedia(messageID: m1.id, sha256: String(repeating: "a", count: 64), mimeType: "image/jpeg",
                                size: 1234, filename: nil, origin: .inbound)
        try a.media.insert(image)
        // A repeated download records nothing new.
        try a.media.insert(StoredMedia(messageID: m1.id, sha256: String(repeating: "f", count: 64), mimeType: "image/png",
                                       size: 1, filename: nil, origin: .inbound))
        let stored = try #require(try a.media.get(m1.id))
        #expect(stored.sha256 == image.sha256 && stored.mimeType == "image/jpeg" && stored.size == 1234 && stored.deletedAt == nil)
        // Another workspace cannot see it, nor record a file for a's message.
        #expect(try b.media.get(m1.id) == nil)
        #expect(try !b.media.isReferenced(sha256: image.sha256))
        #expect(storeError { try b.media.insert(image) }?.code == .constraint)
        let cutoff = Date(millisecondsSince1970: stored.createdAt.millisecondsSince1970 + 1)
        try a.media.insert(StoredMedia(messageID: m2.id, sha256: String(repeating: "b", count: 64), mimeType: "audio/ogg",
                                       size: 99, filename: "note.ogg", origin: .upload))
        #expect(try a.media.isReferenced(sha256: image.sha256))
        #expect(try a.media.expire(before: cutoff) == [image.sha256])
        #expect(try a.media.get(m1.id)?.deletedAt != nil)
        #expect(try !a.media.isReferenced(sha256: image.sha256))
        #expect(try a.media.get(m2.id)?.deletedAt == nil)
        #expect(try a.media.get(m2.id)?.filename == "note.ogg")
        #expect(try a.media.expire(before: cutoff) == [])
    }

    @Test func retentionEmptiesOldContentOfOneWorkspaceOldestFirst() throws {
        let c = try makeConversation(a)
        let inB = try makeConversation(b)
        var old: [Message] = []
        for i in 0..<5 {
            old.append(try #require(try a.messages.insertInbound(inbound(c, "wamid.old\(i)", "old \(i)")).inserted))
        }
        let otherWorkspace = try #require(try b.messages.insertInbound(inbound(inB, "wamid.b", "b's old")).inserted)
        let cutoff = Date(millisecondsSince1970: old.last!.createdAt.millisecondsSince1970 + 1)
        let young = try #require(try a.messages.insertInbound(inbound(c, "wamid.young", "young")).inserted)
        #expect(try a.dataCare.expireContent(before: cutoff, limit: 3) == 3)
        #expect(try a.dataCare.expireContent(before: cutoff, limit: 3) == 2)
        #expect(try a.dataCare.expireContent(before: cutoff, limit: 3) == 0)
        for m in old { #expect(try a.messages.get(m.id)?.text == nil) }
        #expect(try a.messages.get(young.id)?.text == "young")
        #expect(try b.messages.get(otherWorkspace.id)?.text == "b's old")
        // The rows stay (ids, status, order): only their content went.
        #expect(try a.messages.list(conversation: c.id, after: nil, limit: 10).map(\.id) == old.map(\.id) + [young.id])
    }

    @Test func aLabelIsDetachedFromOneConversationOnly() throws {
        let c1 = try makeConversation(a, phone: "+2348030000201"), c2 = try makeConversation(a, phone: "+2348030000202")
        let vip = try a.labels.create(name: "vip", color: nil)
        try a.labels.attach(vip.id, to: c1.id)
        try a.labels.attach(vip.id, to: c1.id)   // twice: still once
        try a.labels.attach(vip.id, to: c2.id)
        #expect(try a.labels.labels(of: [c1.id, c2.id]).mapValues { $0.map(\.name) } == [c1.id: ["vip"], c2.id: ["vip"]])
        // Another workspace cannot detach it.
        #expect(storeError { _ = try b.labels.detach(vip.id, from: c1.id) }?.code == .notFound)
        #expect(try a.labels.detach(vip.id, from: c1.id))
        #expect(try !a.labels.detach(vip.id, from: c1.id))
        #expect(try a.labels.labels(of: [c1.id, c2.id]).mapValues { $0.map(\.name) } == [c2.id: ["vip"]])
    }

    @Test func anOperatorTokenOnceRevokedNoLongerAuthenticates() throws {
        let op = try store.operators.create(email: "ops@agency.example", passwordHash: "x")
        let token = try store.operators.createToken(operatorID: op.id, name: "cli", tokenHash: "hash-1", expiresAt: nil)
        #expect(try store.operators.authenticate(tokenHash: "hash-1")?.1 == token)
        #expect(try store.operators.revokeToken(token.id))
        #expect(try !store.operators.revokeToken(token.id))
        #expect(try store.operators.authenticate(tokenHash: "hash-1") == nil)
        #expect(try store.operators.tokens().isEmpty)
        #expect(try store.operators.list().map(\.id) == [op.id])
    }
}
