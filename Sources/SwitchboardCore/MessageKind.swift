/// What a message carries. Mirrors the WhatsApp Cloud API's types; anything unknown is
/// kept as `unsupported` with its raw JSON, never dropped.
public enum MessageKind: String, Sendable, Codable, CaseIterable {
    case text, image, audio, video, document, sticker, location, contacts
    case interactive, button, reaction, system, order, unsupported
    /// An agent's internal note: stored with the conversation, never sent.
    case note
    /// An approved WhatsApp message template sent by an agent or a plugin (its text is
    /// the rendered body).
    case template

    public var hasMedia: Bool {
        switch self {
        case .image, .audio, .video, .document, .sticker: true
        default: false
        }
    }
}

/// Inbound or outbound, from the business's side.
public enum MessageDirection: String, Sendable, Codable {
    case inbound, outbound
}
