import Foundation
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Data care for the businesses' customers (GDPR's access and erasure rights, and the
/// businesses' own retention promises): one implementation behind `switchboard contact
/// export|erase`, `GET /api/v1/contacts/{id}/export` and `POST /api/v1/contacts/{id}/erase`.
enum DataCare {
    /// The export format's name and version, first in every export.
    static let format = "switchboard.contact-export/1"

    /// Everything stored about one contact as one JSON document; nil when the workspace
    /// has no such contact.
    static func exportJSON(store: any Store, workspace: WorkspaceID, contact: ContactID, at now: Date) throws -> String? {
        guard let export = try store.workspace(workspace).dataCare.export(contact: contact) else { return nil }
        return InboxJSON.encode(Document(workspace: workspace.rawValue, exportedAt: now, export: export))
    }

    /// Erases one contact and journals who did it, in one transaction; nil when the
    /// workspace has no such contact.
    static func erase(store: any Store, workspace: WorkspaceID, contact: ContactID, by actor: String,
                      media: MediaStore?, logger: Logger) throws -> ErasureReport? {
        let journal = Journal(logger: logger)
        let report: ErasureReport? = try store.workspace(workspace).transaction { ws in
            guard let report = try ws.dataCare.erase(contact: contact) else { return nil }
            try journal.record(ws, .contactErased, [
                "contact": contact.rawValue, "by": actor, "conversations": String(report.conversations),
                "messages": String(report.messages), "events": String(report.events),
                "cancelled_replies": String(report.cancelledReplies), "media_files": String(report.mediaFiles.count),
            ])
            return report
        }
        journal.flush()
        if let report, let media {
            media.removeUnreferenced(report.mediaFiles, workspace: workspace, media: store.workspace(workspace).media, logger: logger)
        }
        return report
    }

    /// The contact a person names: a contact id (`ct_...`) or a phone number in E.164.
    static func findContact(store: any Store, workspace: WorkspaceID, _ text: String) throws -> Contact? {
        let ws = store.workspace(workspace)
        if text.hasPrefix("+") { return try ws.contacts.find(e164: text) }
        return try ws.contacts.get(ContactID(text))
    }

    private struct Document: Encodable {
        let workspace: String
        let exportedAt: Date
        let export: ContactDataExport

        enum CodingKeys: String, CodingKey {
            case format, workspace, exportedAt = "exported_at", contact, conversations, messages, events, profile, notes, aliases
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(DataCare.format, forKey: .format)
            try c.encode(workspace, forKey: .workspace)
            try c.encode(RFC3339.string(exportedAt), forKey: .exportedAt)
            try c.encode(ContactExport(export.contact), forKey: .contact)
            try c.encode(export.conversations.map { InboxJSON.Conversation($0, unread: 0) }, forKey: .conversations)
            try c.encode(export.messages.map(MessageExport.init), forKey: .messages)
            try c.encode(export.events.map(InboxJSON.Event.init), forKey: .events)
            let attributes = (try? JSONDecoder().decode(AnyJSON.self, from: Data(export.attributesJSON.utf8)))
                ?? .string(export.attributesJSON)
            try c.encode(Profile(name: export.agentName, attributes: attributes), forKey: .profile)
            try c.encode(export.notes.map { NoteJSON(author: $0.author, text: $0.text, createdAt: RFC3339.string($0.createdAt)) },
                         forKey: .notes)
            try c.encode(export.aliases.map { ["kind": $0.kind, "value": $0.value] }, forKey: .aliases)
        }
    }

    private struct Profile: Encodable {
        let name: String?
        let attributes: AnyJSON
        enum CodingKeys: String, CodingKey { case name, attributes }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(attributes, forKey: .attributes)
        }
    }

    private struct NoteJSON: Encodable {
        let author: String
        let text: String
        let createdAt: String
        enum CodingKeys: String, CodingKey { case author, text, createdAt = "created_at" }
    }

    /// The contact with everything stored of it (the inbox's view has fewer fields).
    private struct ContactExport: Encodable {
        let contact: Contact
        init(_ c: Contact) { contact = c }
        enum CodingKeys: String, CodingKey { case id, e164, rawPhone = "raw_phone", profileName = "profile_name", createdAt = "created_at" }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(contact.id.rawValue, forKey: .id)
            try c.encode(contact.e164, forKey: .e164)
            try c.encode(contact.rawPhone, forKey: .rawPhone)
            try c.encode(contact.profileName, forKey: .profileName)
            try c.encode(RFC3339.string(contact.createdAt), forKey: .createdAt)
        }
    }

    /// A message as the inbox shows it, plus what the provider sent with it.
    private struct MessageExport: Encodable {
        let message: Message
        init(_ m: Message) { message = m }
        enum CodingKeys: String, CodingKey { case channel, providerMessageID = "provider_message_id", payload }
        func encode(to encoder: any Encoder) throws {
            try InboxJSON.Message(message).encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(message.channelID.rawValue, forKey: .channel)
            try c.encode(message.providerMessageID, forKey: .providerMessageID)
            // The customer's data whole: a payload that is not JSON goes out as its text.
            let payload = message.payloadJSON.map { text in
                (try? JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))) ?? .string(text)
            }
            try c.encode(payload, forKey: .payload)
        }
    }
}

/// The retention sweep: for each workspace with `retention_days`, empties the content of
/// its messages older than that, in batches, and journals how many. Runs every quarter of
/// the shortest retention (at least every second, at most every hour), on a thread of
/// its own.
final class RetentionSweeper: Service, @unchecked Sendable {
    let name = "retention"
    private let store: any Store
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let lock = NSCondition()
    private var retention: [WorkspaceID: Double]
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    /// Sweeps finished (for tests that wait for one).
    private(set) var sweeps = 0

    private let media: MediaStore?

    init(store: any Store, retentionDays: [WorkspaceID: Double], media: MediaStore? = nil, logger: Logger,
         clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.media = media
        self.retention = retentionDays
        self.logger = logger
        self.clock = clock
    }

    /// New retention settings (a reloaded config); applies from the next sweep.
    func update(_ retentionDays: [WorkspaceID: Double]) {
        lock.lock(); retention = retentionDays; lock.signal(); lock.unlock()
    }

    var interval: Double {
        lock.lock(); defer { lock.unlock() }
        let shortest = retention.values.min() ?? 1
        return min(3_600, max(1, shortest * 86_400 / 4))
    }

    func start() throws {
        let t = Thread { [weak self] in
            self?.run()
            self?.finished.signal()
        }
        t.name = "retention"
        thread = t
        t.start()
    }

    /// Stops between batches and waits for the thread (within the deadline), so no sweep
    /// uses the store after it closes.
    func stop(deadline: ContinuousClock.Instant) {
        lock.lock(); stopping = true; lock.signal(); let started = thread != nil; lock.unlock()
        guard started else { return }
        let left = deadline - ContinuousClock.now
        let seconds = max(0, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18)
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            logger.warn("retention sweep still running at shutdown")
        }
    }

    private func run() {
        while true {
            sweep()
            let wait = interval
            lock.lock()
            if !stopping { _ = lock.wait(until: Date(timeIntervalSinceNow: wait)) }
            let done = stopping
            lock.unlock()
            if done { return }
        }
    }

    /// One pass over every workspace with a retention period.
    func sweep() {
        lock.lock(); let settings = retention; lock.unlock()
        for (workspace, days) in settings.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let cutoff = clock().addingTimeInterval(-days * 86_400)
            var total = 0
            do {
                while true {
                    let n = try store.workspace(workspace).dataCare.expireContent(before: cutoff, limit: 500)
                    total += n
                    if n < 500 { break }
                    lock.lock(); let done = stopping; lock.unlock()
                    if done { break }
                }
                // The media of those messages too (the media store's records and files).
                let files = try media.map { try $0.expire(workspace: workspace, before: cutoff, store: store, logger: logger) }
                    ?? store.workspace(workspace).media.expire(before: cutoff).count
                if total > 0 || files > 0 {
                    let journal = Journal(logger: logger)
                    try store.workspace(workspace).transaction { ws in
                        try journal.record(ws, .contentExpired, ["messages": String(total), "media_files": String(files),
                                                                 "retention_days": String(days), "before": RFC3339.string(cutoff)])
                    }
                    journal.flush()
                }
            } catch {
                logger.error("retention sweep failed; tried again at the next sweep",
                             [LogKey.workspace: workspace.rawValue, LogKey.error: "\(error)"])
            }
        }
        lock.lock(); sweeps += 1; lock.unlock()
    }
}
