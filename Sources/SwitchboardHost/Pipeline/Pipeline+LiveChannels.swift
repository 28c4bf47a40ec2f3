import Foundation
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog

/// The channels as they run now: the lists (the inbox's `GET /channels`, the operators'
/// health) read every drainer, those of the start and those a reload added; and the
/// credentials a reload replaces while channels run.
extension Pipeline {
    /// The channels serving `workspace`, with their live state (the inbox's list and banner).
    /// A web chat a reload removed is left out (it takes no visitors; its drainer only
    /// delivers what it had queued).
    func channels(serving workspace: WorkspaceID) -> [(id: ChannelID, type: String, status: ChannelStatus)] {
        let chats = webChat.channelIDs
        let all = liveSenders.all
        // A WhatsApp Web session another host supervises: its state as that host recorded it.
        let elsewhere = channelRunner.statesSupervisedElsewhere()
        return all.keys.sorted { $0.rawValue < $1.rawValue }.compactMap { id in
            guard let entry = all[id], entry.listing.workspaces.contains(workspace),
                  entry.listing.type != .webchat || chats.contains(id) else { return nil }
            if let recorded = elsewhere[id] { return (id, entry.listing.type.rawValue, recorded) }
            let s = entry.sender.health.snapshot
            return (id, entry.listing.type.rawValue, ChannelStatus(channel: id, state: s.state, reason: s.reason, since: s.since))
        }
    }

    /// A reload's credentials, given to the running channels' transports: WhatsApp access
    /// tokens and Graph URLs; Telegram bot tokens, webhook secrets and API URLs; WhatsApp
    /// Web gateways (URL, key, instance, webhook secret and URL). Returns the channels whose
    /// credentials changed. A channel paused because its old credentials were refused
    /// resumes; its held replies go out with the new ones.
    func replaceChannelCredentials(_ fresh: LoadedConfig) -> [String] {
        let apps = Dictionary(fresh.host.whatsAppApps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var replaced: [String] = []
        for c in fresh.host.channels {
            guard let transport = liveTransports[c.id], let sender = liveSenders[c.id] else { continue }
            switch c.type {
            case .whatsapp:
                guard let cloud = transport as? WhatsAppCloudTransport, let app = c.app.flatMap({ apps[$0] }) else { continue }
                guard cloud.replaceCredentials(accessToken: c.accessToken ?? "", graphURL: app.graphURL) else { continue }
                sender.credentialsReplaced()
            case .telegram:
                guard let telegram = transport as? TelegramTransport,
                      telegram.replaceCredentials(Self.telegramCredentials(c)) else { continue }
                sender.credentialsReplaced()
            case .whatsappWeb:
                // The session starts over (held until the new gateway says open): the
                // transport reports it; the sender's state follows.
                guard let evolution = transport as? EvolutionTransport, let e = c.evolution else { continue }
                let settings = Transports.evolutionConfiguration(c, e, ownBaseURL: ownBaseURL)
                guard evolution.replaceGateway(client: settings.client, webhookSecret: settings.webhookSecret,
                                               webhookURL: settings.webhookURL) else { continue }
            case .webchat:
                continue
            }
            replaced.append(c.id.rawValue)
        }
        return replaced
    }

    /// A reload's new channels of the types started live (`Transports.startedLive`:
    /// WhatsApp Cloud API numbers and WhatsApp Web sessions, whether the host config or a
    /// workspace's own file defines them): each gets its transport and drainer as at
    /// start, its webhooks are taken from now on, and its state is recorded. Returns the
    /// channels started. A channel removed from the config keeps running until the restart.
    func startAddedChannels(_ fresh: LoadedConfig) -> [String] {
        var started: [String] = []
        for c in fresh.host.channels where Transports.startedLive.contains(c.type) && liveTransports[c.id] == nil {
            guard let transport = makeTransport(c, fresh) else { continue }
            let sender = makeSender(transport)
            let listing = LiveSenders.Listing(c)
            guard liveTransports.add(c, transport), liveSenders.add(sender, listing: listing) else { continue }
            if channelRunner.startAdded(transport, sender: sender, workspaces: listing.workspaces) {
                started.append(c.id.rawValue)
            }
            // Its message templates, as at start (off the reload: a Graph API call).
            if c.wabaID != nil, c.type == .whatsapp {
                let templates = self.templates
                let logger = templates.logger
                let id = c.id
                DispatchQueue.global().async {
                    do { try templates.sync(channel: id) } catch {
                        logger.warn("message templates not synced; agents see the last stored list",
                                    [LogKey.channel: id.rawValue, LogKey.error: "\(error)"])
                    }
                }
            }
        }
        return started
    }

    static func telegramCredentials(_ c: ChannelConfig) -> TelegramTransport.Credentials {
        TelegramTransport.Credentials(apiURL: c.apiURL, botToken: c.botToken ?? "", secretToken: c.secretToken ?? "")
    }

    /// The reload's check of new credentials before anything changes: each running
    /// Telegram or WhatsApp Web channel whose token or gateway the new config changes is
    /// asked once with the new values (Telegram `getMe`; the gateway's
    /// `GET /instance/connectionState/{instance}`). A refusal, or no answer, refuses the
    /// reload with the reason, and the channel keeps its running credentials. Returns
    /// one error line per channel, in `check`'s style.
    func checkNewCredentials(_ fresh: LoadedConfig, timeout: Duration = .seconds(5)) -> [String] {
        var problems: [String] = []
        let file = fresh.host.file
        for c in fresh.host.channels {
            guard let transport = liveTransports[c.id] else { continue }
            switch c.type {
            case .telegram:
                guard let telegram = transport as? TelegramTransport else { continue }
                let new = Self.telegramCredentials(c)
                let old = telegram.credentials
                guard new.botToken != old.botToken || new.apiURL != old.apiURL else { continue }
                let api = TelegramBotAPI(apiURL: new.apiURL, botToken: new.botToken, requestTimeout: timeout)
                do {
                    _ = try api.getMe()
                } catch {
                    let what = error.kind == .auth ? "Telegram refused the new bot_token" : "the new bot_token could not be checked"
                    problems.append("\(file): error: channels[\(c.id)]: \(what) (getMe at \(new.apiURL): \(error.title)); "
                                    + "the channel keeps its running token")
                }
            case .whatsappWeb:
                guard let evolution = transport as? EvolutionTransport, let e = c.evolution else { continue }
                let old = evolution.configuration.client
                let trimmed = EvolutionClient.Configuration(baseURL: e.baseURL, apiKey: e.apiKey, instance: e.instance).baseURL
                guard trimmed != old.baseURL || e.apiKey != old.apiKey || e.instance != old.instance else { continue }
                let client = EvolutionClient(configuration: .init(baseURL: e.baseURL, apiKey: e.apiKey, instance: e.instance,
                                                                  connectTimeout: timeout, requestTimeout: timeout))
                do {
                    _ = try client.connectionState()
                } catch {
                    let what = error.kind == .auth ? "the gateway refused the new settings"
                        : "the new gateway settings could not be checked"
                    problems.append("\(file): error: channels[\(c.id)]: \(what) (GET \(e.baseURL)/instance/connectionState/\(e.instance): "
                                    + "\(error.title)); the channel keeps its running gateway")
                }
            case .whatsapp, .webchat:
                continue
            }
        }
        return problems
    }
}
