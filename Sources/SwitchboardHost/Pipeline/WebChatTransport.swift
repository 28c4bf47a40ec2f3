import Foundation
import SwitchboardChannels
import SwitchboardCore

/// The web chat as a `ChannelTransport`: its provider is this host. A reply is "sent"
/// when the drainer records it (there is nothing to call), and then reaches the visitor's
/// open streams through the journal (`recordedSent` wakes `WebChatFeed` once the settler
/// wrote it; if that write fails the settler retries, and the push waits for it). No rate
/// limit, no window.
final class WebChatTransport: ChannelTransport, @unchecked Sendable {
    let channel: ChannelID
    let providerAddress: String
    let traits = ChannelTraits(lanes: 1, observesSent: true, media: .whatsAppCloud)
    private let hub: WebChat.Hub

    init(channel: ChannelID, workspace: WorkspaceID, hub: WebChat.Hub) {
        self.channel = channel
        self.providerAddress = workspace.rawValue
        self.hub = hub
    }

    func connect() -> any ChannelConnection { Connection() }

    func recordedSent(_ message: Message, to recipient: ContactAddress, workspace: WorkspaceID) {
        guard case .webVisitor = recipient else { return }
        // The visitor's streams read it from the journal (`WebChatFeed`), on whichever
        // host they are connected to.
        hub.committed(workspace)
    }

    private final class Connection: ChannelConnection {
        func send(_ request: OutboundRequest) throws(SendFailure) -> SendReceipt {
            guard case .webVisitor = request.recipient else {
                throw SendFailure(kind: .permanent, title: "a web chat reaches web visitors only, not \(request.recipient)")
            }
            return SendReceipt(providerMessageID: nil)
        }
    }
}
