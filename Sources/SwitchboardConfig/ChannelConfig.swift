import SwitchboardCore

/// One channel: a WhatsApp number, a Telegram bot or a web chat, owned by a workspace
/// (recipient routing) or shared (routed by the sender's number, else its fallback).
public struct ChannelConfig: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case whatsapp, webchat, telegram
        case whatsappWeb = "whatsapp_web"
    }

    /// telegram: how updates arrive.
    public enum TelegramMode: String, Sendable, CaseIterable {
        /// Telegram posts to `/webhooks/telegram/{id}` (setWebhook at start with `webhook_url`).
        case webhook
        /// The host long-polls getUpdates (no public address needed).
        case polling
    }

    public var id: ChannelID
    public var type: Kind
    /// whatsapp: the id of its app in `HostConfig.whatsAppApps`.
    public var app: String?
    /// whatsapp: the Cloud API phone number id (digits).
    public var phoneNumberID: String?
    /// whatsapp: the access token used to send.
    public var accessToken: String?
    /// The owning workspace; nil for a shared channel.
    public var workspace: WorkspaceID?
    /// Shared channels: where senders that no workspace lists go.
    public var fallbackWorkspace: WorkspaceID?
    /// Messages per second.
    public var rateLimit: Double
    /// whatsapp: the WhatsApp Business Account whose message templates may be sent.
    public var wabaID: String? = nil
    /// whatsapp: seconds between two active probes of the Cloud API (a cheap Graph call
    /// that finds a revoked token before a customer writes); nil: no probe.
    public var probeIntervalSeconds: Int? = nil
    /// telegram: the bot's token (`123456:ABC...`).
    public var botToken: String? = nil
    /// telegram: the secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (webhook mode).
    public var secretToken: String? = nil
    /// telegram: webhook or polling.
    public var telegramMode: TelegramMode = .webhook
    /// telegram: the Bot API's base URL.
    public var apiURL: String = "https://api.telegram.org"
    /// telegram, webhook mode: the public URL of this channel's webhook, given to
    /// setWebhook at start; nil: the webhook is set by hand.
    public var webhookURL: String? = nil
    /// whatsapp_web: the gateway's settings (`ChannelConfig+Evolution.swift`).
    public var evolution: EvolutionSettings? = nil

    /// The workspace whose own file defines this channel (its `channels:` section, which
    /// the owner's setup walk writes); nil for a channel of the host config.
    public var definedBy: WorkspaceID? = nil

    /// A shared channel routes by sender: no `workspace`.
    public var isShared: Bool { workspace == nil }
}
