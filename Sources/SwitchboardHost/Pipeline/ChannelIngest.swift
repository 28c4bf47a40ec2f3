import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardPhone
import SwitchboardStore

/// The host's one ingest path, for every channel: what a webhook, a poll or a live session
/// delivered (an `InboundBatch`) is routed, stored (deduplicated on the provider's message
/// id), journalled and queued for the responder chain, and its statuses applied, all in
/// one transaction. Only once that transaction committed is the batch acknowledged (the
/// webhook answered 200, the poll offset advanced): nothing is acknowledged that is not
/// stored. A message no workspace takes is held as unrouted for an admin, never dropped.
final class ChannelIngest: @unchecked Sendable {
    /// What became of one message of a batch, in the batch's order.
    enum Outcome: Sendable {
        /// Stored and queued for the responder chain.
        case stored(Message, Contact)
        /// Delivered before: already stored (its id).
        case duplicate(MessageID)
        /// No workspace takes it: held for an admin.
        case unrouted
    }

    /// Routing and mark-read per workspace, as they run now (a reload replaces them).
    private let live: LiveWorkspaces
    private let store: any Store
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let phones = CachedPhoneNormalizer(capacity: 100_000)
    /// Every channel's transport (those a reload added too): whether it takes read
    /// receipts (the workspaces that send them: `live`), and its own address at the
    /// provider (recorded with unrouted messages).
    private let transports: LiveTransports
    /// Once a batch is committed: every job it queued, those of them not handed on yet
    /// (for the workers), and the channels whose outboxes it added to.
    private let onCommitted: @Sendable (_ jobs: [InboundJob], _ queue: [InboundJob], Set<ChannelID>) -> Void
    /// Jobs handed to the workers before their commit, each holding that commit until
    /// its answer joins it (`CommitHolding`; on the writer's thread: quick); nil, or a
    /// store that cannot hold a commit: every job waits for its commit.
    private let handOn: (@Sendable ([(job: InboundJob, hold: CommitHold)]) -> Void)?
    /// Receipts for sends not recorded yet (`applyHeldReceipts` once they are).
    let early = EarlyReceipts()

    init(live: LiveWorkspaces, store: any Store, logger: Logger, metrics: PipelineMetrics,
         transports: LiveTransports,
         handOn: (@Sendable ([(job: InboundJob, hold: CommitHold)]) -> Void)? = nil,
         onCommitted: @escaping @Sendable (_ jobs: [InboundJob], _ queue: [InboundJob], Set<ChannelID>) -> Void) {
        self.live = live
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.transports = transports
        self.handOn = handOn
        self.onCommitted = onCommitted
    }

    /// What one batch's transaction leaves for its completion.
    private final class Commit: @unchecked Sendable {
        let journal: Journal
        var jobs: [InboundJob] = []
        /// Jobs whose workspace answers at once (`LiveWorkspaces.Snapshot.answersAtOnce`),
        /// and those of them handed on before the commit.
        var atOnce: Set<Int64> = []
        var handedOn: Set<Int64> = []
        var outcomes: [Outcome] = []
        var outboxChannels: Set<ChannelID> = []
        var counts: [(MetricsCounterFamily, [String])] = []
        init(journal: Journal) { self.journal = journal }
    }

    /// Commits everything `batch` carried as one transaction; `done` gets each message's
    /// outcome once it is committed (on the store's completion thread, after the jobs were
    /// handed to the workers and the outboxes woken), or the error.
    func commit(_ batch: InboundBatch, source: String, receivedAt: Date,
                then done: @escaping @Sendable (Result<[Outcome], any Error>) -> Void) {
        for w in batch.warnings { logger.warn("inbound batch parsed with a warning", ["source": source, "warning": w]) }
        let c = Commit(journal: Journal(logger: logger))
        // Senders' numbers are normalised before the transaction: parsing a number is
        // the costliest step of a message's ingress and need not hold the store's writer.
        let addresses = batch.messages.map(address(of:))
        let echoAddresses = batch.echoes.map(address(of:))
        // Receipts alone (and arrivals held as unrouted) answer the provider once committed
        // like the rest, but no reply waits for them: they join the next commit (Meta
        // sends about three receipts a reply, each its own webhook).
        let timing: CommitTiming = batch.messages.isEmpty && batch.echoes.isEmpty ? .bookkeeping : .prompt
        let body: @Sendable (any StoreTransaction) throws -> Void = { [self] tx in
            for unknown in batch.unknown {
                for id in unknown.messageIDs {
                    if try tx.queue.holdUnrouted(
                        channel: nil, providerAddress: unknown.providerAddress, providerMessageID: id, sender: nil,
                        reason: unknown.reason, payloadJSON: unknown.rawJSON) {
                        c.counts.append((metrics.unrouted, ["-"]))
                    }
                }
                logger.warn("webhook for a number no channel has; held as unrouted", [
                    LogKey.app: source, "phone_number_id": unknown.providerAddress,
                    "messages": String(unknown.messageIDs.count), "statuses": String(unknown.statusCount)])
            }
            for (message, address) in zip(batch.messages, addresses) {
                c.outcomes.append(try commitMessage(message, address: address, receivedAt: receivedAt, c, tx))
            }
            for (echo, address) in zip(batch.echoes, echoAddresses) {
                try commitEcho(echo, address: address, c, tx)
            }
            for receipt in batch.statuses {
                try applyStatus(receipt, journal: c.journal, counts: &c.counts, tx)
            }
        }
        let completion: @Sendable ((any Error)?) -> Void = { [self] error in
            if let error {
                c.journal.discard()
                done(.failure(error))
                return
            }
            c.journal.flush()
            for (family, labels) in c.counts { family.labels(labels).increment() }
            onCommitted(c.jobs, c.handedOn.isEmpty ? c.jobs : c.jobs.filter { !c.handedOn.contains($0.id) }, c.outboxChannels)
            done(.success(c.outcomes))
        }
        // A message whose workspace answers at once goes to its worker as soon as it is
        // written, and the commit waits (briefly) for the answer: one commit for both.
        if let handOn, !batch.messages.isEmpty, let holding = store as? any CommitHolding {
            holding.transactionAsync(body, timing: timing, ran: { holds in
                // One job a conversation: a second waits for the first one's commit (this
                // one), so holding it too would only make the commit wait out the limit.
                var conversations = Set<ConversationID>()
                let held = c.jobs.filter { c.atOnce.contains($0.id) && conversations.insert($0.conversationID).inserted }
                    .map { (job: $0, hold: holds.hold()) }
                guard !held.isEmpty else { return }
                c.handedOn = Set(held.map(\.job.id))
                handOn(held)
            }, completion: completion)
        } else {
            store.transactionAsync(body, timing: timing, completion: completion)
        }
    }

    /// Applies the receipts that arrived before this send was recorded (`OutboxSettler`
    /// calls it once the record is committed), through the same path as any receipt.
    func applyHeldReceipts(channel: ChannelID, providerMessageID: String) {
        let held = early.take(channel: channel, providerMessageID: providerMessageID)
        guard !held.isEmpty else { return }
        commit(InboundBatch(statuses: held), source: "held receipts", receivedAt: Date()) { [logger] result in
            if case .failure(let error) = result {
                logger.warn("receipts that came before their send was recorded could not be applied",
                            [LogKey.channel: channel.rawValue, "provider_message_id": providerMessageID, "error": "\(error)"])
            }
        }
    }

    /// The contact address of a sender: a phone number normalised to E.164 (a WhatsApp
    /// `wa_id` is international digits: normalised without a region, cached); one that
    /// does not normalise is kept as the user id the provider gave.
    private func address(of message: InboundMessage) -> ContactAddress {
        guard case .phone(let given) = message.sender else { return message.sender }
        let digits = given.hasPrefix("+") ? String(given.dropFirst()) : given
        if !digits.isEmpty, case .success(let number) = phones.normalize(digits, region: nil) {
            return .phone(number.e164)
        }
        return .whatsAppUser(message.senderAddress)
    }

    private func commitMessage(_ message: InboundMessage, address: ContactAddress, receivedAt: Date, _ c: Commit,
                               _ tx: any StoreTransaction) throws -> Outcome {
        let channel = message.channel
        let now = live.snapshot
        switch now.routing.route(channel: channel, senderE164: address.e164) {
        case .unrouted(let reason):
            if try tx.queue.holdUnrouted(channel: channel, providerAddress: transports[channel]?.providerAddress ?? "",
                                            providerMessageID: message.providerMessageID,
                                            sender: message.senderAddress, reason: reason, payloadJSON: message.rawJSON) {
                c.counts.append((metrics.unrouted, [channel.rawValue]))
                logger.warn("message held as unrouted", [LogKey.channel: channel.rawValue, "reason": reason,
                                                         "provider_message_id": message.providerMessageID])
            }
            return .unrouted
        case .workspace(let workspaceID, let reason):
            let ws = tx.workspace(workspaceID)
            let contact = try contact(of: message, address: address, in: ws, c)
            let conversation = try ws.conversations.findOrCreate(channel: channel, contact: contact.id).conversation
            let insert = try ws.messages.insertInbound(NewInboundMessage(
                conversationID: conversation.id, providerMessageID: message.providerMessageID, kind: message.kind,
                text: message.text, payloadJSON: message.kind == .text && message.context == nil ? nil : message.rawJSON))
            switch insert {
            case .duplicate(let existing):
                try c.journal.record(ws, .duplicate, conversation: conversation.id, message: existing, channel: channel,
                                     level: .debug, ["provider_message_id": message.providerMessageID])
                c.counts.append((metrics.duplicates, [channel.rawValue, workspaceID.rawValue]))
                return .duplicate(existing)
            case .inserted(let stored):
                try c.journal.record(ws, .received, conversation: conversation.id, message: stored.id, channel: channel,
                                     ["kind": message.kind.rawValue, "provider_message_id": message.providerMessageID])
                try c.journal.record(ws, .routed, conversation: conversation.id, message: stored.id, channel: channel,
                                     level: .debug, ["by": reason.rawValue])
                var job = try ws.queue.enqueueInbound(conversation: conversation.id, message: stored.id, receivedAt: receivedAt)
                job.stored = (stored, contact, conversation)
                c.jobs.append(job)
                if now.answersAtOnce(workspaceID) { c.atOnce.insert(job.id) }
                if now.markRead.contains(workspaceID), transports[channel]?.traits.marksRead == true {
                    _ = try ws.queue.enqueueOutbox(NewOutboxItem(
                        conversationID: conversation.id, messageID: stored.id, channelID: channel,
                        recipient: contact.address.storageKey, kind: .markRead,
                        bodyJSON: OutboxBody.markRead(providerMessageID: message.providerMessageID), receivedAt: nil))
                    c.outboxChannels.insert(channel)
                }
                c.counts.append((metrics.received, [channel.rawValue, workspaceID.rawValue]))
                return .stored(stored, contact)
            }
        }
    }

    /// The sender's contact. A sender known by two addresses at once (a number and a
    /// WhatsApp LID or business-scoped user id) is resolved to one contact, mapping the
    /// addresses and merging two contacts that were one person (journalled on the
    /// surviving conversation); anything else is found or created by its address.
    private func contact(of message: InboundMessage, address: ContactAddress, in ws: any WorkspaceStore, _ c: Commit) throws -> Contact {
        let rawPhone = message.from.isEmpty ? nil : message.from
        guard let userID = message.fromUserID, !userID.isEmpty else {
            return try ws.contacts.upsert(address: address, rawPhone: rawPhone, profileName: message.profileName).contact
        }
        let identities = ContactIdentities(e164: address.e164, userID: userID)
        let r = try ws.contacts.resolve(identities, rawPhone: rawPhone, profileName: message.profileName)
        for merged in r.merged {
            let into = r.mergedConversations.first?.into
            try c.journal.record(ws, .contactMerged, conversation: into, channel: message.channel, [
                "contact": r.contact.id.rawValue, "merged_contact": merged.rawValue,
                "conversations": r.mergedConversations.map { "\($0.absorbed.rawValue)->\($0.into.rawValue)" }.joined(separator: ","),
            ])
        }
        return r.contact
    }

    /// A message the business sent from its linked phone: stored on the customer's
    /// conversation as an agent's message already sent (with the provider's id, so a
    /// redelivery, or the echo of our own send, is recognised), and journalled.
    private func commitEcho(_ message: InboundMessage, address: ContactAddress, _ c: Commit, _ tx: any StoreTransaction) throws {
        let channel = message.channel
        guard case .workspace(let workspaceID, _) = live.snapshot.routing.route(channel: channel, senderE164: address.e164) else {
            logger.info("message typed on the linked phone to a sender no workspace takes; not recorded",
                        [LogKey.channel: channel.rawValue, "provider_message_id": message.providerMessageID])
            return
        }
        let ws = tx.workspace(workspaceID)
        if try ws.messages.find(channel: channel, providerMessageID: message.providerMessageID) != nil { return }
        if try tx.workspaceOwning(channel: channel, providerMessageID: message.providerMessageID) != nil { return }
        let resolved = try contact(of: message, address: address, in: ws, c)
        let conversation = try ws.conversations.findOrCreate(channel: channel, contact: resolved.id).conversation
        let stored = try ws.messages.insertOutbound(NewOutboundMessage(
            conversationID: conversation.id, kind: message.kind, text: message.text,
            payloadJSON: message.kind == .text ? nil : message.rawJSON))
        _ = try ws.messages.recordSend(stored.id, status: .sent, providerMessageID: message.providerMessageID,
                                       errorCode: nil, errorTitle: nil)
        try c.journal.record(ws, .sent, conversation: conversation.id, message: stored.id, channel: channel,
                             ["by": "linked_phone", "provider_message_id": message.providerMessageID])
    }

    private func applyStatus(_ receipt: DeliveryReceipt, journal: Journal,
                             counts: inout [(MetricsCounterFamily, [String])], _ tx: any StoreTransaction) throws {
        let channel = receipt.channel
        guard let workspaceID = try tx.workspaceOwning(channel: channel, providerMessageID: receipt.providerMessageID) else {
            // Perhaps a send whose record is still on its way to the store: kept, and
            // applied when it is recorded (a message this host never sent ages out).
            early.hold(receipt)
            logger.debug("status for a message not recorded (yet); held", [LogKey.channel: channel.rawValue,
                                                                            "provider_message_id": receipt.providerMessageID])
            return
        }
        let ws = tx.workspace(workspaceID)
        let error = receipt.errors.first
        guard let update = try ws.messages.updateStatus(
            channel: channel, providerMessageID: receipt.providerMessageID, to: receipt.status,
            errorCode: error.map { String($0.code) }, errorTitle: error?.title), update.changed else { return }
        let kind: EventKind = switch update.message.status {
        case .delivered: .delivered
        case .read: .read
        case .failed: .failed
        default: .sent
        }
        var detail = ["status": receipt.providerStatus]
        if let error {
            detail["error_code"] = String(error.code)
            detail["error_title"] = error.title
            if error.code == 131047 { detail["reengagement"] = "true" }
        }
        try journal.record(ws, kind, conversation: update.message.conversationID, message: update.message.id,
                           channel: channel, level: kind == .failed ? .warn : .info, detail)
        counts.append((metrics.statuses, [channel.rawValue, update.message.status?.rawValue ?? "-"]))
        if kind == .failed { counts.append((metrics.failed, [channel.rawValue, workspaceID.rawValue])) }
    }
}
