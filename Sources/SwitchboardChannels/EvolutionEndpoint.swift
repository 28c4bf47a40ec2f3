import Foundation
import SwitchboardCore

/// The webhook route of every WhatsApp Web channel on Evolution API,
/// `POST /webhooks/evolution/{channel}`: only requests carrying the channel's
/// `Authorization: Bearer <webhook_secret>` (constant-time compare, else 401). Messages
/// go to the host's ingest path (customers' messages, and the business's own from the
/// linked phone as echoes); receipts update our messages; session events
/// (`connection.update`, `qrcode.updated`) go to the channel's supervisor. Any event
/// counts as a sign of life for the zombie check.
public struct EvolutionEndpoint: WebhookEndpoint {
    private let transports: [String: EvolutionTransport]
    /// Channels added while running (a reload's new channels), asked when `transports`
    /// does not know one.
    private let added: (@Sendable (String) -> EvolutionTransport?)?

    public init(transports: [EvolutionTransport], added: (@Sendable (String) -> EvolutionTransport?)? = nil) {
        var byID: [String: EvolutionTransport] = [:]
        for t in transports { byID[t.channel.rawValue] = t }
        self.transports = byID
        self.added = added
    }

    public var path: String { "/webhooks/evolution/{channel}" }
    public var parameter: String { "channel" }

    public func receive(_ request: WebhookRequest, receivedAt: Date) throws(WebhookRefusal) -> InboundBatch {
        guard let transport = transports[request.name] ?? added?(request.name) else {
            throw WebhookRefusal(.unknownChannel, "no whatsapp_web channel '\(request.name)'")
        }
        let event: EvolutionWebhookEvent
        do {
            event = try EvolutionWebhook.verifyAndParse(body: request.body, authorization: request.header("Authorization"),
                                                        secret: transport.secret, channel: transport.channel)
        } catch {
            throw WebhookRefusal(error.code == .unauthorized ? .unauthorized : .malformed, error.reason)
        }
        let instance = transport.configuration.client.instance
        guard event.instance.isEmpty || event.instance == instance else {
            throw WebhookRefusal(.malformed, "the event is for instance '\(event.instance)', channel '\(request.name)' is instance '\(instance)'")
        }
        var batch = InboundBatch(warnings: event.warnings)
        switch event.kind {
        case .messages(let list):
            batch.messages = list.filter { !$0.fromMe }.map(\.message)
            batch.echoes = list.filter(\.fromMe).map(\.message)
            transport.gatewayEvent(.activity)
        case .receipts(let receipts):
            batch.statuses = receipts
            transport.gatewayEvent(.activity)
        case .connection(let state, _):
            transport.gatewayEvent(.gateway(state))
        case .qrCode(let code):
            transport.gatewayEvent(.qrCode(code))
        case .ignored:
            transport.gatewayEvent(.activity)
        }
        return batch
    }
}
