import Foundation

/// A delivery receipt for one of our outbound messages, parsed from a provider's webhook.
/// Receipts arrive late, twice and out of order: apply them with
/// `DeliveryStatus.advanced(to:)` and deduplicate on `(providerMessageID, providerStatus)`.
public struct DeliveryReceipt: Sendable, Equatable, Codable {
    public var channel: ChannelID
    /// The provider's id of OUR message (`wamid...`), as returned when it was sent.
    public var providerMessageID: String
    /// `sent`, `delivered`, `read` or `failed`. WhatsApp's `played` (a voice note was
    /// listened to) is reported as `read`; `providerStatus` keeps the original word.
    public var status: DeliveryStatus
    /// The provider's own word for the status.
    public var providerStatus: String
    public var timestamp: Date
    /// The recipient's phone number (digits); may be empty when we sent to a BSUID.
    public var recipientID: String
    /// The recipient's BSUID, when we sent to one.
    public var recipientUserID: String?
    /// Why it failed (only on `failed`).
    public var errors: [ProviderError]
    /// The provider's status object as JSON text, exactly as it was in the webhook body.
    public var rawJSON: String

    public init(channel: ChannelID, providerMessageID: String, status: DeliveryStatus,
                providerStatus: String, timestamp: Date, recipientID: String,
                recipientUserID: String? = nil, errors: [ProviderError] = [], rawJSON: String) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.status = status
        self.providerStatus = providerStatus
        self.timestamp = timestamp
        self.recipientID = recipientID
        self.recipientUserID = recipientUserID
        self.errors = errors
        self.rawJSON = rawJSON
    }

    /// The delivery status a provider's status word stands for; nil for a word we do not
    /// know (the caller keeps the raw JSON and ignores it).
    public static func deliveryStatus(forProviderStatus word: String) -> DeliveryStatus? {
        switch word {
        case "sent": .sent
        case "delivered": .delivered
        case "read", "played": .read
        case "failed": .failed
        default: nil
        }
    }
}
