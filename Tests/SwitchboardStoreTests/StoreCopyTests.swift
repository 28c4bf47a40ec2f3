import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// `switchboard copy`'s store side (`StoreCopy.sqliteToPostgres`): an installation filled
/// through the store's own APIs on SQLite (three workspaces, contacts with aliases,
/// messages, media, journal, queues, users, tokens, sessions, inbox tools, audit,
/// invites, operators, templates, channel states, held messages) reads back the same
/// through the same APIs on PostgreSQL after the copy; the journal, messages and audit
/// continue after the copied ids; bad input is refused with the argument named.
@Suite struct StoreCopyTests {
    let dir = TempDir()

    /// Fills `store` and returns what to compare: per workspace, its contacts.
    func fill(_ store: any Store) throws -> [WorkspaceID: [ContactID]] {
        _ = try store.syncWorkspaces([definition("a"), definition("b"), definition("c")])
        var contacts: [WorkspaceID: [ContactID]] = [:]
        for (n, id) in ["a", "b", "c"].enumerated() {
            let ws = store.workspace(WorkspaceID(id))
            for k in 0..<3 {
                let phone = "+23480312345\(n)\(k)"
                let contact = k == 0
                    ? try ws.contacts.resolve(ContactIdentities(e164: phone, whatsAppLID: "12345678901\(n)\(k)"), rawPhone: phone, profileName: "Ada \(id)\(k)").contact
                    : try ws.contacts.upsert(e164: phone, rawPhone: nil, profileName: "Bola \(id)\(k)").contact
                contacts[WorkspaceID(id), default: []].append(contact.id)
                let c = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
                let m = try #require(try ws.messages.insertInbound(NewInboundMessage(
                    conversationID: c.id, providerMessageID: "wamid.\(id).\(k)", kind: .text, text: "Do you deliver chapati to Ikeja? \(k)")).inserted)
                let job = try ws.queue.enqueueInbound(conversation: c.id, message: m.id, receivedAt: m.createdAt)
                if k == 1 { try ws.queue.completeInbound(job.id) }
                let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "Yes, every morning \(k)."))
                _ = try ws.queue.enqueueOutbox(NewOutboxItem(conversationID: c.id, messageID: reply.id, channelID: "wa-main",
                                                             recipient: String(phone.dropFirst()), kind: .send,
                                                             bodyJSON: "{\"text\":\"yes\"}", receivedAt: m.createdAt))
                _ = try ws.events.append(NewEvent(.verdict, conversation: c.id, detailJSON: #"{"plugin":"faq","score":0.9}"#))
                if k == 2 {
                    _ = try ws.conversations.transition(c.id, .handoff)
                    _ = try ws.conversations.assign(c.id, to: "agent-\(id)")
                    let photo = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .image, text: "menu"))
                    try ws.media.insert(StoredMedia(messageID: photo.id, sha256: String(repeating: "ab", count: 32), mimeType: "image/jpeg",
                                                    size: 2048, filename: "menu.jpg", origin: .upload,
                                                    createdAt: Date(millisecondsSince1970: 1_780_000_000_500)))
                    let label = try ws.labels.create(name: "vip", color: "#ff0000")
                    try ws.labels.attach(label.id, to: c.id)
                    _ = try ws.contactProfiles.update(contact.id, name: "Ada Lovelace", attributes: ["city": "Lagos"])
                    _ = try ws.contactProfiles.addNote(contact.id, author: "agent-\(id)", text: "prefers mornings")
                }
            }
            try ws.pluginState.set(plugin: "faq", key: "hits", value: [1, 2, 3, UInt8(n)])
            let user = try ws.users.create(email: "owner@\(id).example", role: .owner, passwordHash: "hash-\(id)")
            _ = try ws.tokens.create(name: "api", tokenHash: "token-\(id)", role: .agent, expiresAt: nil)
            _ = try ws.sessions.create(idHash: "session-\(id)", userID: user.id, csrfToken: "csrf-\(id)",
                                       expiresAt: Date(millisecondsSince1970: 1_790_000_000_000))
            _ = try ws.cannedReplies.create(shortcut: "hours", text: "8am to 7pm")
            _ = try ws.audit.record(actor: user.id, action: "user.created", summary: "owner")
            _ = try ws.invites.create(email: "agent@\(id).example", role: .agent, tokenHash: "invite-\(id)", createdBy: user.id,
                                      expiresAt: Date(millisecondsSince1970: 1_790_000_000_000))
        }
        let op = try store.operators.create(email: "ops@example.com", passwordHash: "op-hash")
        _ = try store.operators.createToken(operatorID: op.id, name: "cli", tokenHash: "op-token", expiresAt: nil)
        _ = try store.hostAudit.record(actor: "operator", action: "config.reloaded", summary: "reload")
        try store.templates.replace(channel: "wa-main", with: [
            MessageTemplate(channelID: "wa-main", name: "order_ready", language: "en", status: .approved, category: "UTILITY",
                            providerID: "tpl-1", bodyText: "Your order {{1}} is ready", bodyParameters: 1)])
        try store.channelStatus.record(ChannelStatus(channel: "wa-main", state: .connected, reason: nil,
                                                     since: Date(millisecondsSince1970: 1_780_000_000_900)))
        _ = try store.queue.holdUnrouted(channel: "wa-other", providerAddress: "2348000000000", providerMessageID: "wamid.lost",
                                         sender: "2348031234599", reason: "no workspace", payloadJSON: "{}")
        return contacts
    }

    /// Everything a user of the store can read, as text (one line per item).
    func snapshot(_ store: any Store, _ contacts: [WorkspaceID: [ContactID]]) throws -> [String] {
        var out: [String] = []
        out.append("workspaces \(try store.workspaces())")
        for (id, ids) in contacts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let ws = store.workspace(id)
            for contact in ids {
                let e = try #require(try ws.dataCare.export(contact: contact))
                out.append("export \(id) \(e.contact) \(e.conversations) \(e.messages) \(e.events) \(e.agentName ?? "-") \(e.attributesJSON) \(e.notes.map { "\($0.author)|\($0.text)|\($0.createdAt)" }) \(e.aliases)")
                for c in e.conversations {
                    out.append("labels \(try ws.labels.labels(of: [c.id]))")
                    for m in e.messages where m.conversationID == c.id { out.append("media \(m.id) \(String(describing: try ws.media.get(m.id)))") }
                }
            }
            out.append("journal \(id) \(try ws.events.list(conversation: nil, after: nil, limit: 1000))")
            out.append("plugin \(id) \(String(describing: try ws.pluginState.get(plugin: "faq", key: "hits")))")
            out.append("users \(id) \(try ws.users.list())")
            out.append("tokens \(id) \(try ws.tokens.list())")
            out.append("canned \(id) \(try ws.cannedReplies.list())")
            out.append("audit \(id) \(try ws.audit.list(before: nil, limit: 100))")
            out.append("invites \(id) \(try ws.invites.list())")
            out.append("session \(id) \(String(describing: try store.authenticate(sessionHash: "session-\(id)")))")
            out.append("token \(id) \(String(describing: try store.authenticate(tokenHash: "token-\(id)")))")
            out.append("search \(id) \(try ws.messages.search("chapati", limit: 10).map(\.id.rawValue).sorted())")
        }
        out.append("operators \(try store.operators.list()) \(try store.operators.tokens())")
        out.append("host audit \(try store.hostAudit.list(before: nil, limit: 100))")
        out.append("templates \(try store.templates.list(channel: "wa-main"))")
        out.append("channels \(try store.channelStatus.all())")
        out.append("unrouted \(try store.queue.unrouted(limit: 10))")
        out.append("inbound \(try store.queue.pendingInbound(limit: 100))")
        out.append("outbox \(try store.queue.outboxDepth())")
        return out
    }

    @Test func everythingReadsBackTheSameAndIdsContinue() throws {
        let path = dir.file("old.db")
        let old = try SQLiteStore(path: path, options: testOptions())
        let contacts = try fill(old)
        waitForSearchIndex(old)
        let before = try snapshot(old, contacts)
        let lastEvent = try old.workspace("a").events.list(conversation: nil, after: nil, limit: 1000).map(\.id).max() ?? 0
        let allEvents = try ["a", "b", "c"].flatMap { try old.workspace(WorkspaceID($0)).events.list(conversation: nil, after: nil, limit: 1000) }
        old.close()

        let url = try TestPostgres.freshDatabase(prefix: "copy")
        let report = try StoreCopy.sqliteToPostgres(from: path, to: url)
        #expect(report.tables.first { $0.name == "messages" }?.rows == 3 * 3 * 2 + 3)
        #expect(report.tables.first { $0.name == "events" }?.rows == allEvents.count)
        #expect(report.tables.contains { $0.name == "contact_aliases" && $0.rows == 3 })
        #expect(report.sequences["events.id"] == (allEvents.map(\.id).max() ?? 0) + 1)
        #expect(report.skipped == ["conversation_events", "journal_progress", "search_progress"])

        let copied = try PostgresStore(url: url, poolSize: 2, options: testOptions())
        // The planner's statistics were gathered for the copied rows (reltuples is -1 for
        // a table never analyzed).
        #expect(report.analyzeFailure == nil)
        #expect(try copied.pool.read { db in
            try db.queryOne("SELECT reltuples::bigint FROM pg_class WHERE relname = 'messages' AND relnamespace = current_schema()::regnamespace") { $0.int64(0) }
        } == Int64(3 * 3 * 2 + 3))
        let after = try snapshot(copied, contacts)
        #expect(after.count == before.count)
        for (b, a) in zip(before, after) { #expect(a == b) }
        // The SQLite store's claims on its pending inbound jobs (two per workspace) ended
        // with the copy: the PostgreSQL host takes them at once, not after their lease.
        #expect(report.claimsReleased == 6)
        #expect(try copied.queue.claimInbound(now: Date(millisecondsSince1970: 1_780_000_010_000), limit: 100).count == 6)

        // The journal continues after the copied ids, with cursors that still work.
        let a = copied.workspace("a")
        let next = try a.events.append(NewEvent(.note, detail: ["after": "copy"]))
        #expect(next.id > (allEvents.map(\.id).max() ?? 0))
        #expect(try a.events.list(conversation: nil, after: lastEvent, limit: 10).map(\.id) == [next.id])
        // New rows of every kind go in beside the copied ones.
        let c = try makeConversation(a, phone: "+2348039999999")
        #expect(try a.messages.insertInbound(inbound(c, "wamid.new", "new after copy")).inserted != nil)
        _ = try a.audit.record(actor: "x", action: "after.copy", summary: "")
        #expect(try a.audit.list(before: nil, limit: 1).first?.action == "after.copy")
        copied.close()
    }

    @Test func aNonEmptyTargetIsRefusedUnlessReplaced() throws {
        let path = dir.file("src.db")
        let src = try SQLiteStore(path: path, options: testOptions())
        _ = try fill(src)
        src.close()
        let url = try TestPostgres.freshDatabase(prefix: "copy")
        _ = try StoreCopy.sqliteToPostgres(from: path, to: url)
        do {
            _ = try StoreCopy.sqliteToPostgres(from: path, to: url)
            Issue.record("copied into a non-empty database")
        } catch {
            #expect(error.message.hasPrefix("--to "), "\(error)")
            #expect(error.message.contains("not empty") && error.message.contains("--replace"), "\(error)")
        }
        // Not while a host serves on the target (it would write beside the copy).
        let serving = try PostgresStore(url: url, poolSize: 2, options: testOptions())
        do {
            _ = try StoreCopy.sqliteToPostgres(from: path, to: url, replace: true)
            Issue.record("copied under a serving host")
        } catch {
            #expect(error.message.contains("a host is serving") && error.message.contains(serving.hostID), "\(error)")
        }
        serving.close()
        let again = try StoreCopy.sqliteToPostgres(from: path, to: url, replace: true)
        #expect(again.replaced)
        let copied = try PostgresStore(url: url, poolSize: 2, options: testOptions())
        #expect(try copied.workspaces().map(\.id) == ["a", "b", "c"])
        #expect(try copied.workspace("a").events.list(conversation: nil, after: nil, limit: 1000).count
                == again.tables.first { $0.name == "events" }.map { $0.rows / 3 })
        copied.close()
    }

    @Test func badInputNamesTheArgument() throws {
        do {
            _ = try StoreCopy.sqliteToPostgres(from: dir.file("missing.db"), to: "postgresql://x@127.0.0.1:1/db")
            Issue.record("copied a missing file")
        } catch {
            #expect(error.message == "--from sqlite:\(dir.file("missing.db")): no such file")
        }
        try "not a database at all, just text".write(toFile: dir.file("text.db"), atomically: true, encoding: .utf8)
        do {
            _ = try StoreCopy.sqliteToPostgres(from: dir.file("text.db"), to: "postgresql://x@127.0.0.1:1/db")
            Issue.record("copied a text file")
        } catch {
            #expect(error.message.hasPrefix("--from sqlite:"), "\(error)")
        }
        let path = dir.file("ok.db")
        try SQLiteStore(path: path, options: testOptions()).close()
        do {
            _ = try StoreCopy.sqliteToPostgres(from: path, to: "postgresql://app:s3cret@127.0.0.1:1/db?connect_timeout=2")
            Issue.record("copied to a server that does not answer")
        } catch {
            #expect(error.message.hasPrefix("--to: cannot connect"), "\(error)")
            #expect(!error.description.contains("s3cret"))
        }
    }
}
