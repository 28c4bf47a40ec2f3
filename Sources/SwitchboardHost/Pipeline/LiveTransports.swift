import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore

/// Every channel's transport as it runs now: those built at start and those a reload
/// added (a channel an operator added to the host config, or one a workspace's owner
/// connected in the setup walk: `Pipeline.startAddedChannels`). The ingest, the webhook
/// endpoints, media downloads and the pairing page look channels up here, so a channel
/// added while running is served like one of the start.
final class LiveTransports: Sendable {
    private let atStart: [ChannelID: any ChannelTransport]
    private struct Added {
        var transports: [ChannelID: any ChannelTransport] = [:]
        /// Cloud API numbers added: app id → phone_number_id → channel.
        var numbers: [String: [String: ChannelID]] = [:]
        /// Cloud API channels added with a business account (`waba_id`): their templates.
        var templateAccounts: [ChannelID: (wabaID: String, client: GraphAPIClient.Configuration)] = [:]
    }
    private let added = Mutex(Added())

    init(_ atStart: [ChannelID: any ChannelTransport]) {
        self.atStart = atStart
    }

    subscript(channel: ChannelID) -> (any ChannelTransport)? {
        atStart[channel] ?? added.withLock { $0.transports[channel] }
    }

    /// Every transport, those of the start and those added since, by channel id.
    var all: [ChannelID: any ChannelTransport] {
        atStart.merging(added.withLock { $0.transports }) { a, _ in a }
    }

    /// Adds the transport of `channel`; false if the channel has one already.
    func add(_ channel: ChannelConfig, _ transport: any ChannelTransport) -> Bool {
        added.withLock { a in
            guard atStart[channel.id] == nil, a.transports[channel.id] == nil else { return false }
            a.transports[channel.id] = transport
            if channel.type == .whatsapp, let app = channel.app, let number = channel.phoneNumberID {
                a.numbers[app, default: [:]][number] = channel.id
            }
            if let waba = channel.wabaID, let cloud = transport as? WhatsAppCloudTransport {
                a.templateAccounts[channel.id] = (waba, cloud.clientConfiguration)
            }
            return true
        }
    }

    /// The channel of a Cloud API number added while running (the endpoint knows those of the start).
    func cloudChannel(app: String, number: String) -> ChannelID? {
        added.withLock { $0.numbers[app]?[number] }
    }

    /// The business accounts of Cloud API channels added while running (`AgentTemplates.added`).
    var templateAccounts: [ChannelID: (wabaID: String, client: GraphAPIClient.Configuration)] {
        added.withLock { $0.templateAccounts }
    }

    /// A WhatsApp Web channel added while running, by id.
    func evolution(_ name: String) -> EvolutionTransport? {
        added.withLock { $0.transports[ChannelID(name)] } as? EvolutionTransport
    }
}
