import Foundation
import LLMEngine
import SwitchboardConfig
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
    ///
    /// Beyond the workspace's own rows (`DataCareRepository.erase`), `scope` names what
    /// else may hold the contact's data: the held (unrouted) messages of the contact's
    /// addresses on the workspace's channels are deleted, and the state of the workspace's
    /// plugins is cleaned of what is attributable to the contact: every key naming the
    /// contact or one of its conversations (any plugin), and the llm plugin's answer cache
    /// entries whose question is something the contact wrote. Not erasable, because not
    /// attributable: an answer cached for a question another customer asked in the same
    /// words (it is theirs too), the llm plugin's spend totals (numbers only), and what an
    /// outside provider (a model's API) kept of a prompt.
    static func erase(store: any Store, workspace: WorkspaceID, contact: ContactID, by actor: String,
                      media: MediaStore?, logger: Logger, scope: ErasureScope = ErasureScope()) throws -> ErasureReport? {
        let journal = Journal(logger: logger)
        // What identifies the contact beyond its row, read before the row loses it.
        let before = try store.workspace(workspace).dataCare.export(contact: contact)
        let report: ErasureReport? = try store.workspace(workspace).transaction { ws in
            guard var report = try ws.dataCare.erase(contact: contact) else { return nil }
            if let before {
                report.pluginState = try erasePluginState(ws.pluginState, plugins: scope.plugins, before)
            }
            try journal.record(ws, .contactErased, [
                "contact": contact.rawValue, "by": actor, "conversations": String(report.conversations),
                "messages": String(report.messages), "events": String(report.events),
                "cancelled_replies": String(report.cancelledReplies), "media_files": String(report.mediaFiles.count),
                "plugin_state": String(report.pluginState),
            ])
            return report
        }
        guard var report else { return nil }
        if let before {
            report.unrouted = try store.queue.eraseUnrouted(channels: scope.channels, senders: senders(before))
        }
        journal.flush()
        if let media {
            media.removeUnreferenced(report.mediaFiles, workspace: workspace, media: store.workspace(workspace).media, logger: logger)
        }
        return report
    }

    /// What outside the workspace's own rows an erasure looks at.
    struct ErasureScope: Sendable {
        /// The channels serving the workspace (held messages on them are looked at).
        var channels: [ChannelID] = []
        /// The workspace's plugins (their state is looked at).
        var plugins: [String] = []

        /// From the config: channels the workspace owns or is the fallback of, and shared
        /// channels when the workspace lists senders on them; its chain's plugins.
        init(channels: [ChannelID] = [], plugins: [String] = []) {
            self.channels = channels
            self.plugins = plugins
        }

        init(_ config: LoadedConfig, workspace: WorkspaceID) {
            let ws = config.workspaces.first { $0.id == workspace }
            channels = config.host.channels.filter {
                $0.workspace == workspace || $0.fallbackWorkspace == workspace
                    || ($0.workspace == nil && !(ws?.senders.isEmpty ?? true))
            }.map(\.id)
            plugins = Array(Set(ws?.plugins.map(\.name) ?? []))
        }
    }

    /// The contact's addresses as providers write them in held messages: the number with
    /// and without `+`, the raw number, and its other addresses (LID, user ids).
    static func senders(_ export: ContactDataExport) -> [String] {
        var out: Set<String> = []
        let e164 = export.contact.e164
        if !e164.hasPrefix("erased:") {
            out.insert(e164)
            if e164.hasPrefix("+") { out.insert(String(e164.dropFirst())) }
        }
        if let raw = export.contact.rawPhone, !raw.isEmpty { out.insert(raw) }
        for a in export.aliases where !a.value.isEmpty { out.insert(a.value) }
        return out.sorted()
    }

    /// Removes the plugin state attributable to the contact; returns how many entries
    /// were removed or rewritten.
    static func erasePluginState(_ state: any PluginStateRepository, plugins: [String], _ export: ContactDataExport) throws -> Int {
        var changed = 0
        let names = [export.contact.id.rawValue] + export.conversations.map(\.id.rawValue)
        for plugin in plugins.sorted() {
            for key in try state.keys(plugin: plugin) where names.contains(where: { key.contains($0) }) {
                if try state.delete(plugin: plugin, key: key) { changed += 1 }
            }
        }
        if plugins.contains("llm"), try eraseLLMCache(state, export) { changed += 1 }
        return changed
    }

    /// The llm plugin's answer cache (`cache`: `{"version","entries":{QUESTION:[ANSWER,AT]}}`,
    /// questions normalised) without the questions the contact wrote: each inbound message,
    /// and each run of consecutive ones (a debounced burst is asked as one question).
    static func eraseLLMCache(_ state: any PluginStateRepository, _ export: ContactDataExport) throws -> Bool {
        guard let bytes = try state.get(plugin: "llm", key: "cache") else { return false }
        guard var object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              var entries = object["entries"] as? [String: Any] else {
            // A cache this cannot read may still hold the contact's questions: it goes
            // whole (the plugin starts a new one), rather than staying unerased.
            return try state.delete(plugin: "llm", key: "cache")
        }
        var asked: Set<String> = []
        for conversation in export.conversations {
            let texts = export.messages.filter { $0.conversationID == conversation.id }.sorted { $0.createdAt < $1.createdAt }
            var run: [String] = []
            for m in texts {
                guard m.direction == .inbound, let text = m.text, !text.isEmpty else { run = []; continue }
                run.append(text)
                if run.count > 20 { run.removeFirst() }
                for start in run.indices { asked.insert(normalizedQuestion(run[start...].joined(separator: "\n"))) }
            }
        }
        let before = entries.count
        entries = entries.filter { !asked.contains($0.key) }
        guard entries.count < before else { return false }
        object["entries"] = entries
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try state.set(plugin: "llm", key: "cache", value: Array(data))
        return true
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
