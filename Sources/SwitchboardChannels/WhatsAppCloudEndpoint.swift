import Foundation
import SwitchboardCore

/// The Cloud API's webhook route of every configured Meta app, `/webhooks/whatsapp/{app}`:
/// GET is Meta's verification handshake; POST carries signed notifications of every
/// number of the app, each found by `value.metadata.phone_number_id`.
public struct WhatsAppCloudEndpoint: WebhookEndpoint {
    public struct App: Sendable {
        public var id: String
        public var appSecret: String
        public var verifyToken: String
        /// `phone_number_id` → channel, for the numbers of this app.
        public var numbers: [String: ChannelID]
        /// Numbers added while running (a reload's new channels), asked when `numbers`
        /// does not know one.
        public var added: (@Sendable (String) -> ChannelID?)?
        public init(id: String, appSecret: String, verifyToken: String, numbers: [String: ChannelID],
                    added: (@Sendable (String) -> ChannelID?)? = nil) {
            self.id = id
            self.appSecret = appSecret
            self.verifyToken = verifyToken
            self.numbers = numbers
            self.added = added
        }
    }

    private let apps: [String: App]
    /// Called with the body of a verified webhook that carried
    /// `message_template_status_update` changes (the host's template sync).
    private let onTemplateStatus: (@Sendable ([UInt8]) -> Void)?

    public init(apps: [App], onTemplateStatus: (@Sendable ([UInt8]) -> Void)? = nil) {
        self.onTemplateStatus = onTemplateStatus
        var byID: [String: App] = [:]
        for a in apps where byID[a.id] == nil { byID[a.id] = a }
        self.apps = byID
    }

    public var path: String { "/webhooks/whatsapp/{app}" }
    public var parameter: String { "app" }

    public func handshake(_ request: WebhookRequest) -> (status: Int, body: String)? {
        guard let app = apps[request.name] else { return (404, "unknown WhatsApp app '\(request.name)'") }
        let answer = WhatsAppHandshake.respond(query: request.query, expectedToken: app.verifyToken)
        return (answer.status, answer.body)
    }

    public func receive(_ request: WebhookRequest, receivedAt: Date) throws(WebhookRefusal) -> InboundBatch {
        guard let app = apps[request.name] else { throw WebhookRefusal(.unknownChannel, "unknown WhatsApp app '\(request.name)'") }
        let payload: WhatsAppWebhookPayload
        do {
            let numbers = app.numbers
            let added = app.added
            payload = try WhatsAppWebhook.verifyAndParse(
                body: Data(request.body), signatureHeader: request.header("X-Hub-Signature-256"),
                appSecret: app.appSecret, channelFor: { numbers[$0] ?? added?($0) }, receivedAt: receivedAt)
        } catch {
            switch error.code {
            case .missingSignature, .badSignature: throw WebhookRefusal(.unauthorized, error.reason)
            default: throw WebhookRefusal(.malformed, error.reason)
            }
        }
        if payload.ignoredFields.contains("message_template_status_update") { onTemplateStatus?(request.body) }
        return InboundBatch(
            messages: payload.messages, statuses: payload.statuses,
            unknown: payload.unknownNumbers.map {
                UnknownArrival(providerAddress: $0.phoneNumberID, messageIDs: $0.messageIDs, statusCount: $0.statusCount,
                               reason: "no channel has phone_number_id \($0.phoneNumberID)", rawJSON: $0.rawJSON)
            },
            warnings: payload.warnings)
    }
}
