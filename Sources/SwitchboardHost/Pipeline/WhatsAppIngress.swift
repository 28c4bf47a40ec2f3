import Foundation
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardPhone
import SwitchboardStore

/// The WhatsApp webhook endpoints of every configured Meta app:
/// `GET /webhooks/whatsapp/{app}` (the verification handshake) and
/// `POST /webhooks/whatsapp/{app}` (signed notifications of every number of the app).
///
/// A POST is answered 200 only after everything it carried is committed: each message
/// routed, stored (deduplicated on the provider's id), journalled and queued for the
/// responder chain, each status applied. If the commit fails the answer is 500 and Meta
/// delivers the webhook again; nothing is acknowledged that is not stored.
final class WhatsAppIngress: @unchecked Sendable {
    private let apps: [String: WhatsAppAppConfig]
    /// (app id, phone_number_id) → channel.
    private let numbers: [String: [String: ChannelID]]
    /// Routing and mark-read per workspace, as they run now (a reload replaces them).
    private let live: LiveWorkspaces
    private let store: any Store
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let phones = CachedPhoneNormalizer(capacity: 100_000)
    private let onCommitted: @Sendable ([InboundJob], Set<ChannelID>) -> Void
    /// A verified webhook carried `message_template_status_update` changes (AgentTemplates).
    var onTemplateStatus: (@Sendable ([UInt8]) -> Void)?

    init(config: LoadedConfig, live: LiveWorkspaces, store: any Store, logger: Logger, metrics: PipelineMetrics,
         onCommitted: @escaping @Sendable ([InboundJob], Set<ChannelID>) -> Void) {
        var apps: [String: WhatsAppAppConfig] = [:]
        for a in config.host.whatsAppApps { apps[a.id] = a }
        var numbers: [String: [String: ChannelID]] = [:]
        for c in config.host.channels where c.type == .whatsapp {
            if let app = c.app, let number = c.phoneNumberID { numbers[app, default: [:]][number] = c.id }
        }
        self.apps = apps
        self.numbers = numbers
        self.live = live
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.onCommitted = onCommitted
    }

    func addRoutes(to router: inout HTTPRouter) {
        router.get("/webhooks/whatsapp/{app}") { [self] in verify($0) }
        router.post("/webhooks/whatsapp/{app}") { [self] in receive($0) }
    }

    // MARK: - GET: verification handshake

    func verify(_ request: HTTPRequest) -> HTTPResponse {
        let appID = request.parameter("app") ?? ""
        guard let app = apps[appID] else { return .error(404, "unknown WhatsApp app '\(appID)'") }
        let answer = WhatsAppHandshake.respond(query: request.query, expectedToken: app.verifyToken)
        if answer.status != 200 {
            logger.warn("webhook verification refused", [LogKey.app: appID, "mode": request.query["hub.mode"] ?? ""])
        } else {
            logger.info("webhook verified", [LogKey.app: appID])
        }
        return .text(answer.body, status: answer.status)
    }

    // MARK: - POST: notifications

    func receive(_ request: HTTPRequest) -> HTTPResponse {
        let appID = request.parameter("app") ?? ""
        guard let app = apps[appID] else {
            metrics.webhooks.labels(appID.isEmpty ? "-" : "unknown", "unknown_app").increment()
            return .error(404, "unknown WhatsApp app '\(appID)'")
        }
        let receivedAt = Date()
        let payload: WhatsAppWebhookPayload
        do {
            let numbers = self.numbers[appID] ?? [:]
            payload = try WhatsAppWebhook.verifyAndParse(
                body: Data(request.body), signatureHeader: request.headers["X-Hub-Signature-256"],
                appSecret: app.appSecret, channelFor: { numbers[$0] }, receivedAt: receivedAt)
        } catch {
            switch error.code {
            case .missingSignature, .badSignature:
                metrics.webhooks.labels(appID, "bad_signature").increment()
                logger.warn("webhook signature refused; nothing stored", [LogKey.app: appID, "reason": error.reason])
                return .error(401, "invalid signature")
            default:
                metrics.webhooks.labels(appID, "malformed").increment()
                logger.warn("malformed webhook refused", [LogKey.app: appID, "reason": error.reason])
                return .error(400, error.reason)
            }
        }
        for w in payload.warnings { logger.warn("webhook parsed with a warning", [LogKey.app: appID, "warning": w]) }
        if payload.ignoredFields.contains("message_template_status_update") { onTemplateStatus?(request.body) }
        // The answer waits for the commit, but the server thread does not: the
        // connection is suspended until the store's completion gives the answer.
        let answer = HTTPDeferredResponse()
        commit(payload, appID: appID, receivedAt: receivedAt) { [self] outcome in
            switch outcome {
            case .success(let (jobs, channels)):
                metrics.webhooks.labels(appID, "accepted").increment()
                onCommitted(jobs, channels)
                answer.complete(.json("{\"ok\":true}"))
            case .failure(let error):
                metrics.webhooks.labels(appID, "store_error").increment()
                logger.error("webhook not stored; answering 500 so the provider delivers it again",
                             [LogKey.app: appID, LogKey.error: "\(error)"])
                answer.complete(.error(500, "not stored, please retry"))
            }
        }
        return .deferred(answer)
    }

    /// What one webhook's transaction leaves for its completion.
    private final class Commit: @unchecked Sendable {
        let journal: Journal
        var jobs: [InboundJob] = []
        var outboxChannels: Set<ChannelID> = []
        var counts: [(MetricsCounterFamily, [String])] = []
        init(journal: Journal) { self.journal = journal }
    }

    /// Queues everything the payload carried as one transaction; `done` gets the queued
    /// jobs and the channels whose outbox gained entries once it is committed (on the
    /// store's completion thread), or the error.
    private func commit(_ payload: WhatsAppWebhookPayload, appID: String, receivedAt: Date,
                        then done: @escaping @Sendable (Result<([InboundJob], Set<ChannelID>), any Error>) -> Void) {
        let c = Commit(journal: Journal(logger: logger))
        store.transactionAsync({ [self] in
            for unknown in payload.unknownNumbers {
                for id in unknown.messageIDs {
                    if try store.queue.holdUnrouted(
                        channel: nil, providerAddress: unknown.phoneNumberID, providerMessageID: id, sender: nil,
                        reason: "no channel has phone_number_id \(unknown.phoneNumberID)", payloadJSON: unknown.rawJSON) {
                        c.counts.append((metrics.unrouted, ["-"]))
                    }
                }
                logger.warn("webhook for a number no channel has; held as unrouted", [
                    LogKey.app: appID, "phone_number_id": unknown.phoneNumberID,
                    "messages": String(unknown.messageIDs.count), "statuses": String(unknown.statusCount)])
            }
            for batch in payload.batches {
                for message in batch.messages {
                    try commitMessage(message, phoneNumberID: batch.phoneNumberID, receivedAt: receivedAt,
                                      journal: c.journal, jobs: &c.jobs, outboxChannels: &c.outboxChannels, counts: &c.counts)
                }
                for receipt in batch.statuses {
                    try applyStatus(receipt, channel: batch.channel, journal: c.journal, counts: &c.counts)
                }
            }
        }, completion: { error in
            if let error {
                c.journal.discard()
                done(.failure(error))
                return
            }
            c.journal.flush()
            for (family, labels) in c.counts { family.labels(labels).increment() }
            done(.success((c.jobs, c.outboxChannels)))
        })
    }

    private func commitMessage(
        _ message: InboundMessage, phoneNumberID: String, receivedAt: Date, journal: Journal,
        jobs: inout [InboundJob], outboxChannels: inout Set<ChannelID>, counts: inout [(MetricsCounterFamily, [String])]
    ) throws {
        let channel = message.channel
        // A wa_id is international digits: normalised without a region, cached.
        let e164: String?
        if !message.from.isEmpty, case .success(let number) = phones.normalize(message.from, region: nil) {
            e164 = number.e164
        } else {
            e164 = nil
        }
        let now = live.snapshot
        switch now.routing.route(channel: channel, senderE164: e164) {
        case .unrouted(let reason):
            if try store.queue.holdUnrouted(channel: channel, providerAddress: phoneNumberID,
                                            providerMessageID: message.providerMessageID,
                                            sender: message.senderAddress, reason: reason, payloadJSON: message.rawJSON) {
                counts.append((metrics.unrouted, [channel.rawValue]))
                logger.warn("message held as unrouted", [LogKey.channel: channel.rawValue, "reason": reason,
                                                         "provider_message_id": message.providerMessageID])
            }
        case .workspace(let workspaceID, let reason):
            let ws = store.workspace(workspaceID)
            // Customers without a shared phone number (WhatsApp usernames) are keyed by their
            // business-scoped user id.
            let contactKey = e164 ?? "user:\(message.senderAddress)"
            let contact = try ws.contacts.upsert(e164: contactKey, rawPhone: message.from.isEmpty ? nil : message.from,
                                                 profileName: message.profileName).contact
            let conversation = try ws.conversations.findOrCreate(channel: channel, contact: contact.id).conversation
            let insert = try ws.messages.insertInbound(NewInboundMessage(
                conversationID: conversation.id, providerMessageID: message.providerMessageID, kind: message.kind,
                text: message.text, payloadJSON: message.kind == .text && message.context == nil ? nil : message.rawJSON))
            switch insert {
            case .duplicate(let existing):
                try journal.record(ws, .duplicate, conversation: conversation.id, message: existing, channel: channel,
                                   level: .debug, ["provider_message_id": message.providerMessageID])
                counts.append((metrics.duplicates, [channel.rawValue, workspaceID.rawValue]))
            case .inserted(let stored):
                try journal.record(ws, .received, conversation: conversation.id, message: stored.id, channel: channel,
                                   ["kind": message.kind.rawValue, "provider_message_id": message.providerMessageID])
                try journal.record(ws, .routed, conversation: conversation.id, message: stored.id, channel: channel,
                                   level: .debug, ["by": reason.rawValue])
                var job = try ws.queue.enqueueInbound(conversation: conversation.id, message: stored.id, receivedAt: receivedAt)
                job.stored = (stored, contact)
                jobs.append(job)
                if now.markRead.contains(workspaceID) {
                    _ = try ws.queue.enqueueOutbox(NewOutboxItem(
                        conversationID: conversation.id, messageID: stored.id, channelID: channel,
                        recipient: message.senderAddress, kind: .markRead,
                        bodyJSON: OutboxBody.markRead(providerMessageID: message.providerMessageID), receivedAt: nil))
                    outboxChannels.insert(channel)
                }
                counts.append((metrics.received, [channel.rawValue, workspaceID.rawValue]))
            }
        }
    }

    private func applyStatus(_ receipt: DeliveryReceipt, channel: ChannelID, journal: Journal,
                             counts: inout [(MetricsCounterFamily, [String])]) throws {
        guard let workspaceID = try store.workspaceOwning(channel: channel, providerMessageID: receipt.providerMessageID) else {
            logger.debug("status for a message this host did not send", [LogKey.channel: channel.rawValue,
                                                                          "provider_message_id": receipt.providerMessageID])
            return
        }
        let ws = store.workspace(workspaceID)
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
