import Foundation
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

extension Pipeline {
    /// Templates (channels with a `waba_id`), attachments and the media store, built from
    /// the config beside the senders.
    static func agentTools(_ config: LoadedConfig, store: any Store, logger: Logger, transports: [ChannelID: any ChannelTransport],
                           webChatChannels: @escaping @Sendable () -> Set<ChannelID>, notify: @escaping @Sendable (ChannelID) -> Void) -> (AgentTemplates, AgentAttachments, MediaStore) {
        var templateChannels: [ChannelID: (wabaID: String, client: GraphAPIClient.Configuration)] = [:]
        for c in config.host.channels where c.type == .whatsapp {
            if let waba = c.wabaID, let cloud = transports[c.id] as? WhatsAppCloudTransport {
                templateChannels[c.id] = (waba, cloud.clientConfiguration)
            }
        }
        let databasePath: String? = if case .sqlite(let path, _) = config.host.storage { path } else { nil }
        let media = MediaStore(root: MediaStore.root(configured: config.host.media.dir, databasePath: databasePath))
        return (AgentTemplates(store: store, logger: logger, channels: templateChannels, notify: notify, media: media),
                AgentAttachments(store: store, media: media, logger: logger, whatsAppChannels: Set(transports.filter { $0.value is WhatsAppCloudTransport }.keys),
                                 webChatChannels: webChatChannels, notify: notify,
                                 otherChannels: transports.filter { !($0.value is WhatsAppCloudTransport) && !($0.value is WebChatTransport) }
                                    .compactMapValues(\.traits.media)),
                media)
    }
}
