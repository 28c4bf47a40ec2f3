import SwitchboardCore

/// What one Evolution API webhook POST carried (one event per POST).
public struct EvolutionWebhookEvent: Sendable {
    public enum Kind: Sendable {
        /// `messages.upsert`: messages in one-to-one chats (groups, status updates and
        /// newsletters are left out, with a warning each).
        case messages([WhatsAppWebMessage])
        /// `messages.update`: delivery and read receipts of messages we sent.
        case receipts([DeliveryReceipt])
        /// `connection.update`; `ownJID` is the linked number (`wuid`), sent with `open`.
        case connection(GatewayConnection, ownJID: String?)
        /// `qrcode.updated` with a code to show.
        case qrCode(PairingCode)
        /// Any other event (`contacts.update`, `presence.update`, ...): accepted, not used.
        case ignored(String)
    }

    /// The instance name the gateway put in the envelope.
    public var instance: String
    /// The event name as sent (`messages.upsert`).
    public var event: String
    public var kind: Kind
    /// Things skipped while parsing, one short sentence each, for the log.
    public var warnings: [String]
}

/// One message of a WhatsApp Web chat as the gateway reported it.
public struct WhatsAppWebMessage: Sendable, Equatable {
    /// The channel-neutral message. `from` is the customer's number (digits) when the
    /// payload showed it, else empty; `fromUserID` is then the LID JID (`…@lid`).
    /// `senderAddress` is what the gateway accepts as `number` for the answer.
    public var message: InboundMessage
    /// Typed by the business on the linked phone (or WhatsApp Web): an agent's message,
    /// not a customer's. (Sends through the API do not come back as upserts.)
    public var fromMe: Bool
    /// The customer's addresses this payload revealed (number and/or LID), E.164 not yet
    /// normalised: `e164` holds `+` and the digits as sent.
    public var identities: ContactIdentities
}
