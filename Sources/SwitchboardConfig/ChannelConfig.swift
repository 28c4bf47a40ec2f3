import SwitchboardCore

/// One channel: a WhatsApp number or a web chat, owned by a workspace (recipient routing)
/// or shared (routed by the sender's number).
public struct ChannelConfig: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case whatsapp, webchat
        case whatsappWeb = "whatsapp_web"
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
    /// whatsapp: seconds between two active probes of the Cloud API (a cheap Graph call
    /// that finds a revoked token before a customer writes); nil: no probe.
    public var probeIntervalSeconds: Int? = nil
    /// whatsapp_web: the gateway's settings (`ChannelConfig+Evolution.swift`).
    public var evolution: EvolutionSettings? = nil

    /// A shared channel routes by sender: no `workspace`.
    public var isShared: Bool { workspace == nil }
}
