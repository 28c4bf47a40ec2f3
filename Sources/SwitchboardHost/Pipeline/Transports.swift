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
            transports[c.id] = transport(c, apps: apps, outbox: config.host.outbox, hub: hub, logger: logger, ownBaseURL: ownBaseURL)
        }
        return transports
    }

    /// The channel types a reload starts without a restart (`Pipeline.startAddedChannels`;
    /// web chats have their own path, `replaceWebChatChannels`). Telegram's webhook
    /// endpoint is built at start, so a Telegram channel added waits for the restart.
    static let startedLive: Set<ChannelConfig.Kind> = [.whatsapp, .whatsappWeb]

    /// One channel's transport (at start, and for a channel a reload added); nil for a
    /// whatsapp channel whose app is unknown (the loader refuses that).
    static func transport(_ c: ChannelConfig, apps: [String: WhatsAppAppConfig], outbox: HostConfig.Outbox, hub: WebChat.Hub,
                          logger: Logger, ownBaseURL: @escaping @Sendable () -> String?) -> (any ChannelTransport)? {
        switch c.type {
        case .whatsapp:
            guard let appID = c.app, let app = apps[appID] else { return nil }
            return whatsAppCloud(c, app: app, outbox: outbox, logger: logger)
        case .webchat:
            guard let ws = c.workspace else { return nil }
            return WebChatTransport(channel: c.id, workspace: ws, hub: hub)
        case .telegram:
            return TelegramTransport(
                channel: c.id, apiURL: c.apiURL, botToken: c.botToken ?? "", secretToken: c.secretToken ?? "",
                mode: c.telegramMode == .polling ? .polling : .webhook(url: c.webhookURL),
                probeInterval: c.probeIntervalSeconds.map { .seconds($0) },
                logger: logger.with(LogKey.channel, c.id.rawValue))
        case .whatsappWeb:
            guard let e = c.evolution else { return nil }
            return evolution(c, e, ownBaseURL: ownBaseURL, logger: logger)
        }
    }

    /// The webhook endpoints of the channel types configured.
    static func endpoints(_ config: LoadedConfig, transports: [ChannelID: any ChannelTransport] = [:],
                          live: LiveTransports? = nil,
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
        // Channels a reload adds are looked up in `live` (`Pipeline.startAddedChannels`).
        var cloudApps: [WhatsAppCloudEndpoint.App] = []
        for app in config.host.whatsAppApps {
            let id = app.id
            var added: (@Sendable (String) -> ChannelID?)? = nil
            if let live { added = { number in live.cloudChannel(app: id, number: number) } }
            cloudApps.append(WhatsAppCloudEndpoint.App(id: id, appSecret: app.appSecret, verifyToken: app.verifyToken,
                                                       numbers: numbers[id] ?? [:], added: added))
        }
        var addedEvolution: (@Sendable (String) -> EvolutionTransport?)? = nil
        if let live { addedEvolution = { name in live.evolution(name) } }
        return [
            WhatsAppCloudEndpoint(apps: cloudApps, onTemplateStatus: onTemplateStatus),
            TelegramWebhookEndpoint(channels: telegram),
            EvolutionEndpoint(transports: transports.values.compactMap { $0 as? EvolutionTransport }, added: addedEvolution),
        ]
    }
}
