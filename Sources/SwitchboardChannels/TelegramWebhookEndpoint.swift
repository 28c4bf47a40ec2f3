import Foundation
import SwitchboardCore

/// `POST /webhooks/telegram/{channel}`: one Telegram `Update` per request, accepted only
/// with the channel's `secret_token` in `X-Telegram-Bot-Api-Secret-Token` (compared in
/// constant time; 401 otherwise; Telegram does not sign the body). 404 for a channel
/// that is not a Telegram channel in webhook mode, 413 for a body larger than
/// `maxBodyBytes` (an update is a few KB), 400 for one that is not an update. An update
/// type we skip (an edit, a member change) is answered 200 and stores nothing.
public struct TelegramWebhookEndpoint: WebhookEndpoint {
    public struct Channel: Sendable {
        public var id: ChannelID
        /// The secret now (a reload may replace it while the channel runs).
        public var secret: @Sendable () -> String
        public var secretToken: String { secret() }
        public init(id: ChannelID, secretToken: String) {
            self.id = id
            self.secret = { secretToken }
        }
        /// A running channel's: its transport's secret as it is at each request.
        public init(_ transport: TelegramTransport) {
            self.id = transport.channel
            self.secret = { [transport] in transport.secretToken }
        }
    }

    public static let maxBodyBytes = 256 * 1024
    private let channels: [String: Channel]

    public init(channels: [Channel]) {
        var byID: [String: Channel] = [:]
        for c in channels { byID[c.id.rawValue] = c }
        self.channels = byID
    }

    public var path: String { "/webhooks/telegram/{channel}" }
    public var parameter: String { "channel" }

    public func receive(_ request: WebhookRequest, receivedAt: Date) throws(WebhookRefusal) -> InboundBatch {
        guard let channel = channels[request.name] else {
            throw WebhookRefusal(.unknownChannel, "no Telegram channel '\(request.name)' takes webhooks")
        }
        let given = request.header("X-Telegram-Bot-Api-Secret-Token") ?? ""
        let secret = channel.secretToken
        guard !secret.isEmpty, WhatsAppHandshake.constantTimeEqual(given, secret) else {
            throw WebhookRefusal(.unauthorized, given.isEmpty ? "X-Telegram-Bot-Api-Secret-Token is missing"
                                                             : "X-Telegram-Bot-Api-Secret-Token does not match")
        }
        guard request.body.count <= Self.maxBodyBytes else {
            throw WebhookRefusal(.tooLarge, "an update is at most \(Self.maxBodyBytes) bytes")
        }
        let update: JSONValue
        do {
            update = try JSONReader.read(request.body)
        } catch {
            throw WebhookRefusal(.malformed, "the body is not JSON: \(error)")
        }
        let raw = String(decoding: request.body, as: UTF8.self)
        do {
            let message = try TelegramUpdates.message(update, raw: raw, channel: channel.id, receivedAt: receivedAt)
            return InboundBatch(messages: message.map { [$0] } ?? [])
        } catch {
            throw WebhookRefusal(.malformed, error.reason)
        }
    }
}
