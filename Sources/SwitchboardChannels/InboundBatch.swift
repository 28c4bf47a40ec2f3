import SwitchboardCore

/// What one webhook, poll or session event carried, channel-neutral: the input of the
/// host's one ingest path.
public struct InboundBatch: Sendable {
    /// Messages customers sent, each with its channel and its provider id (the
    /// deduplication key).
    public var messages: [InboundMessage]
    /// Delivery statuses of our messages.
    public var statuses: [DeliveryReceipt]
    /// What arrived for no configured channel: held as unrouted, never dropped.
    public var unknown: [UnknownArrival]
    /// Things skipped or repaired while parsing, one sentence each, for the log.
    public var warnings: [String]
    /// Messages the business itself sent to a customer from elsewhere (typed on the phone
    /// linked to a WhatsApp Web session): recorded as agents' messages, never answered.
    /// `from`/`fromUserID` name the customer. Deduplicated on the provider id like the rest
    /// (the echo of one of our own sends finds it already stored).
    public var echoes: [InboundMessage]

    public init(messages: [InboundMessage] = [], statuses: [DeliveryReceipt] = [], unknown: [UnknownArrival] = [],
                warnings: [String] = [], echoes: [InboundMessage] = []) {
        self.messages = messages
        self.statuses = statuses
        self.unknown = unknown
        self.warnings = warnings
        self.echoes = echoes
    }

    public var isEmpty: Bool { messages.isEmpty && statuses.isEmpty && unknown.isEmpty && echoes.isEmpty }
}

/// Messages addressed to a provider address no configured channel has.
public struct UnknownArrival: Sendable, Equatable {
    /// The provider's address of our side (WhatsApp: `phone_number_id`).
    public var providerAddress: String
    /// The provider ids of the messages it carried.
    public var messageIDs: [String]
    /// Statuses it carried (logged, not kept).
    public var statusCount: Int
    /// Why no channel takes it.
    public var reason: String
    /// What arrived, as the provider wrote it.
    public var rawJSON: String

    public init(providerAddress: String, messageIDs: [String], statusCount: Int, reason: String, rawJSON: String) {
        self.providerAddress = providerAddress
        self.messageIDs = messageIDs
        self.statusCount = statusCount
        self.reason = reason
        self.rawJSON = rawJSON
    }
}
