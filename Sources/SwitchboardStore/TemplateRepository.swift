import SwitchboardCore

/// The message templates of WhatsApp channels, as last synced from the Graph API. Keyed
/// by channel, not workspace: a template belongs to the channel's business account, and
/// every workspace a channel serves may send it. Callers reach a channel only through a
/// conversation of their own workspace (or the channels their config names).
public protocol TemplateStore: Sendable {
    /// Replaces the channel's templates with `templates` (a full sync), in one transaction.
    func replace(channel: ChannelID, with templates: [MessageTemplate]) throws
    /// Sets the status of one template (a `message_template_status_update` webhook);
    /// returns false when no such template is stored.
    @discardableResult
    func setStatus(channel: ChannelID, name: String, language: String, status: MessageTemplate.Status) throws -> Bool
    /// The channel's templates, by name then language.
    func list(channel: ChannelID) throws -> [MessageTemplate]
    func get(channel: ChannelID, name: String, language: String) throws -> MessageTemplate?
}
