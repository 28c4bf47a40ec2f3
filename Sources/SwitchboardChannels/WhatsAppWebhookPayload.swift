import SwitchboardCore

/// Everything one webhook POST carried, grouped by business number.
public struct WhatsAppWebhookPayload: Sendable {
    /// One batch per configured number that appeared in the POST, in order of appearance.
    public var batches: [WhatsAppWebhookBatch]
    /// Changes for numbers no configured channel has. Never dropped: the caller holds
    /// them (journal, unrouted store) or answers non-2xx so Meta redelivers them.
    public var unknownNumbers: [WhatsAppUnknownNumber]
    /// The `field` of each change that was not `messages` (account_update, ...), ignored.
    public var ignoredFields: [String]
    /// Things skipped or repaired while parsing (an unknown status word, a missing
    /// timestamp), one short sentence each, for the log.
    public var warnings: [String]

    public init(batches: [WhatsAppWebhookBatch] = [], unknownNumbers: [WhatsAppUnknownNumber] = [],
                ignoredFields: [String] = [], warnings: [String] = []) {
        self.batches = batches
        self.unknownNumbers = unknownNumbers
        self.ignoredFields = ignoredFields
        self.warnings = warnings
    }

    /// Every inbound message of every batch.
    public var messages: [InboundMessage] { batches.flatMap(\.messages) }
    /// Every status of every batch.
    public var statuses: [DeliveryReceipt] { batches.flatMap(\.statuses) }
}

/// What one business number received in one POST.
public struct WhatsAppWebhookBatch: Sendable {
    /// The channel that owns `phoneNumberID`.
    public var channel: ChannelID
    /// `value.metadata.phone_number_id`.
    public var phoneNumberID: String
    /// `value.metadata.display_phone_number`.
    public var displayPhoneNumber: String?
    /// `entry[].id`, the WhatsApp Business Account.
    public var businessAccountID: String?
    public var messages: [InboundMessage]
    public var statuses: [DeliveryReceipt]
    /// Account- or app-level errors (`value.errors[]`).
    public var errors: [ProviderError]

    public init(channel: ChannelID, phoneNumberID: String, displayPhoneNumber: String? = nil,
                businessAccountID: String? = nil, messages: [InboundMessage] = [],
                statuses: [DeliveryReceipt] = [], errors: [ProviderError] = []) {
        self.channel = channel
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.businessAccountID = businessAccountID
        self.messages = messages
        self.statuses = statuses
        self.errors = errors
    }
}

/// Changes addressed to a number no configured channel has.
public struct WhatsAppUnknownNumber: Sendable, Equatable {
    public var phoneNumberID: String
    /// The provider ids of the inbound messages it carried.
    public var messageIDs: [String]
    public var statusCount: Int
    /// The `value` objects of those changes, as a JSON array of their exact bytes in the body.
    public var rawJSON: String
}
