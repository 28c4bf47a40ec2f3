/// A `whatsapp_web` channel's gateway: an Evolution API v2 instance, one per number.
public struct EvolutionSettings: Sendable, Equatable {
    /// The gateway's base URL (`http://127.0.0.1:8081`).
    public var baseURL: String
    /// Sent as `apikey` on every call: the gateway's global key or the instance's token.
    public var apiKey: String
    /// The instance's name at the gateway.
    public var instance: String
    /// The gateway must send `Authorization: Bearer <webhook_secret>` with every webhook.
    public var webhookSecret: String
    /// Sends per minute at most (a personal number: low, with a random gap between two).
    public var ratePerMinute: Int
    /// Where the gateway posts its webhooks; nil: this host's own listen address
    /// (`http://HOST:PORT/webhooks/evolution/ID`, with the port actually bound).
    public var webhookURL: String?
    /// An open session with no event for this long is probed (`connectionState`); 0: never.
    public var zombieAfterSeconds: Int
}

extension ConfigSchema {
    /// The `channels[]` keys of `whatsapp_web` channels.
    static let evolutionOptions: [ConfigOption] = [
        ConfigOption("gateway", .choice(["evolution"]), .optional("an error on whatsapp_web channels"),
                     "whatsapp_web: the WhatsApp Web gateway that holds the session; evolution (Evolution API v2) is the one supported."),
        ConfigOption("base_url", .httpURL, .optional("an error on whatsapp_web channels"),
                     "whatsapp_web: the gateway's base URL, e.g. http://127.0.0.1:8081."),
        ConfigOption("api_key", .text, .optional("an error on whatsapp_web channels"),
                     "whatsapp_web: the gateway's API key (its AUTHENTICATION_API_KEY or the instance's token), sent as the apikey header. A secret: use ${VAR}."),
        ConfigOption("instance", .text, .optional("an error on whatsapp_web channels"),
                     "whatsapp_web: the gateway's instance for this number (one instance per number)."),
        ConfigOption("webhook_secret", .text, .optional("an error on whatsapp_web channels"),
                     "whatsapp_web: the secret the gateway must send as 'Authorization: Bearer ...' on every webhook; set in the instance's webhook at start. A secret: use ${VAR}."),
        ConfigOption("rate_limit_per_minute", .integer(1...600), .value("20"),
                     "whatsapp_web: messages per minute at most, with a random gap of 1 to 1.5 intervals between two and no burst after a reconnect (personal numbers get banned for bursts)."),
        ConfigOption("zombie_after_seconds", .integer(0...86_400), .value("300"),
                     "whatsapp_web: an open session silent for this long is probed (GET /instance/connectionState) and reconnected if it is not open; 0 turns the check off."),
    ]
}

extension Loader {
    /// Reads a channel's gateway keys: required on `whatsapp_web`, errors elsewhere.
    func evolutionSettings(_ v: ConfigValues, kind: ChannelConfig.Kind?) -> EvolutionSettings? {
        let required = ["gateway", "base_url", "api_key", "instance", "webhook_secret"]
        // (webhook_url is shared with telegram channels: checked with its keys.)
        let all = required + ["rate_limit_per_minute", "zombie_after_seconds"]
        guard kind == .whatsappWeb else {
            for key in all {
                if let keyNode = v.keyNodes[key] { diagnostics.error("'\(key)' applies only to whatsapp_web channels", at: keyNode) }
            }
            return nil
        }
        for key in required where v.keyNodes[key] == nil {
            diagnostics.error("missing required key '\(key)' in 'channels[]' (whatsapp_web channels need it)", at: v.node)
        }
        return EvolutionSettings(
            baseURL: v.text("base_url") ?? "", apiKey: v.text("api_key") ?? "", instance: v.text("instance") ?? "",
            webhookSecret: v.text("webhook_secret") ?? "", ratePerMinute: v.integer("rate_limit_per_minute") ?? 20,
            webhookURL: v.text("webhook_url"), zombieAfterSeconds: v.integer("zombie_after_seconds") ?? 300)
    }
}
