/// A Meta app: it signs the webhooks of all its numbers with `appSecret`, and its webhook
/// URL is `/webhooks/whatsapp/{id}`.
public struct WhatsAppAppConfig: Sendable, Equatable {
    public var id: String
    public var appSecret: String
    public var verifyToken: String
    /// Graph API base URL with version, without a trailing slash.
    public var graphURL: String
}
