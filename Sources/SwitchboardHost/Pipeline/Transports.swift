import Foundation
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog

/// Builds each configured channel's `ChannelTransport` and the webhook endpoints of the
/// channel types in use: the one place that knows which type is which class. A new
/// transport plugs in here (its transport, and its endpoint if it takes webhooks);
/// the ingest, the drainer and health come with the host.
enum Transports {
    /// The Cloud API transport of a WhatsApp channel.
    static func whatsAppCloud(_ c: ChannelConfig, app: WhatsAppAppConfig, outbox: HostConfig.Outbox, lanes: Int = 8,
                              logger: Logger) -> WhatsAppCloudTransport {
        WhatsAppCloudTransport(
            channel: c.id,
            configuration: .init(graphURL: app.graphURL, phoneNumberID: c.phoneNumberID ?? "", accessToken: c.accessToken ?? ""),
            messagesPerSecond: c.rateLimit, pairSpacing: .milliseconds(outbox.pairSpacingMilliseconds), lanes: lanes,
            probeInterval: c.probeIntervalSeconds.map { .seconds($0) },
            logger: logger.with(LogKey.channel, c.id.rawValue))
    }

    /// The Evolution API transport of a WhatsApp Web channel. The gateway posts its
    /// webhooks to `webhook_url`, or to this host's own address once it is bound
    /// (`ownBaseURL`, e.g. `http://127.0.0.1:8080`).
    static func evolution(_ c: ChannelConfig, _ e: EvolutionSettings, ownBaseURL: @escaping @Sendable () -> String?,
                          logger: Logger) -> EvolutionTransport {
        EvolutionTransport(configuration: evolutionConfiguration(c, e, ownBaseURL: ownBaseURL),
                           logger: logger.with(LogKey.channel, c.id.rawValue))
    }

    /// A WhatsApp Web channel's transport settings (at start, and a reload's new gateway).
    static func evolutionConfiguration(_ c: ChannelConfig, _ e: EvolutionSettings,
                                       ownBaseURL: @escaping @Sendable () -> String?) -> EvolutionTransport.Configuration {
        let path = "/webhooks/evolution/\(c.id.rawValue)"
        let fixed = e.webhookURL
        let zombie: Duration = e.zombieAfterSeconds > 0 ? .seconds(e.zombieAfterSeconds) : .seconds(Int64.max / 4)
        return .init(
            channel: c.id,
            client: .init(baseURL: e.baseURL, apiKey: e.apiKey, instance: e.instance),
            webhookSecret: e.webhookSecret,
            webhookURL: { fixed ?? ownBaseURL().map { $0 + path } },
            ratePerMinute: e.ratePerMinute,
            supervision: .init(zombieAfter: zombie))
    }

    /// Every channel's transport, by channel id. Web chats deliver to `hub`.
    static func build(_ config: LoadedConfig, hub: WebChat.Hub, logger: Logger,
                      ownBaseURL: @escaping @Sendable () -> String? = { nil }) -> [ChannelID: any ChannelTransport] {
        let apps = Dictionary(config.host.whatsAppApps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var transports: [ChannelID: any ChannelTransport] = [:]
        for c in config.host.channels {
            switch c.type {
            case .whatsapp:
                guard let appID = c.app, let app = apps[appID] else { continue }
                transports[c.id] = whatsAppCloud(c, app: app, outbox: config.host.outbox, logger: logger)
            case .webchat:
                guard let ws = c.workspace else { continue }
                transports[c.id] = WebChatTransport(channel: c.id, workspace: ws, hub: hub)
            case .telegram:
                transports[c.id] = TelegramTransport(
                    channel: c.id, apiURL: c.apiURL, botToken: c.botToken ?? "", secretToken: c.secretToken ?? "",
                    mode: c.telegramMode == .polling ? .polling : .webhook(url: c.webhookURL),
                    probeInterval: c.probeIntervalSeconds.map { .seconds($0) },
                    logger: logger.with(LogKey.channel, c.id.rawValue))
            case .whatsappWeb:
                guard let e = c.evolution else { continue }
                transports[c.id] = evolution(c, e, ownBaseURL: ownBaseURL, logger: logger)
            }
        }
        return transports
    }

    /// The webhook endpoints of the channel types configured.
    static func endpoints(_ config: LoadedConfig, transports: [ChannelID: any ChannelTransport] = [:],
                          onTemplateStatus: (@Sendable ([UInt8]) -> Void)? = nil) -> [any WebhookEndpoint] {
        var numbers: [String: [String: ChannelID]] = [:]
        for c in config.host.channels where c.type == .whatsapp {
            if let app = c.app, let number = c.phoneNumberID { numbers[app, default: [:]][number] = c.id }
        }
        // A running channel's secret is read from its transport (a reload may replace it).
        let telegram = config.host.channels.filter { $0.type == .telegram && $0.telegramMode == .webhook }.map { c in
            (transports[c.id] as? TelegramTransport).map(TelegramWebhookEndpoint.Channel.init)
                ?? TelegramWebhookEndpoint.Channel(id: c.id, secretToken: c.secretToken ?? "")
        }
        return [
            WhatsAppCloudEndpoint(apps: config.host.whatsAppApps.map {
                WhatsAppCloudEndpoint.App(id: $0.id, appSecret: $0.appSecret, verifyToken: $0.verifyToken, numbers: numbers[$0.id] ?? [:])
            }, onTemplateStatus: onTemplateStatus),
            TelegramWebhookEndpoint(channels: telegram),
            EvolutionEndpoint(transports: transports.values.compactMap { $0 as? EvolutionTransport }),
        ]
    }
}
