import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog

/// Starts what each channel's transport runs by itself (a long poll, a live session, an
/// active probe), once the ingest, workers and drainers run, and stops it first. Each
/// transport gets a `ChannelContext`: its batches go through the one ingest path, its
/// reports to the channel's `ChannelHealth`.
final class ChannelRunner: Service, @unchecked Sendable {
    let name = "channels"
    private let transports: [ChannelID: any ChannelTransport]
    private let senders: [ChannelID: ChannelSender]
    private let ingest: ChannelIngest
    private let logger: Logger

    init(transports: [ChannelID: any ChannelTransport], senders: [ChannelID: ChannelSender], ingest: ChannelIngest,
         logger: Logger) {
        self.transports = transports
        self.senders = senders
        self.ingest = ingest
        self.logger = logger
    }

    func start() throws {
        for id in transports.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let transport = transports[id], let health = senders[id]?.health else { continue }
            try transport.start(Context(channel: id, ingest: ingest, health: health,
                                        logger: logger.with(LogKey.channel, id.rawValue)))
        }
    }

    func stop(deadline: ContinuousClock.Instant) {
        for transport in transports.values { transport.stop(deadline: deadline) }
    }

    struct Context: ChannelContext {
        let channel: ChannelID
        let ingest: ChannelIngest
        let health: ChannelHealth
        let logger: Logger

        func ingest(_ batch: InboundBatch, done: @escaping @Sendable (Bool) -> Void) {
            let logger = self.logger
            ingest.commit(batch, source: channel.rawValue, receivedAt: Date()) { result in
                if case .failure(let error) = result {
                    logger.error("inbound not stored; the channel fetches it again", [LogKey.error: "\(error)"])
                    done(false)
                } else {
                    done(true)
                }
            }
        }

        func report(_ signal: ChannelSignal, reason: String?) {
            health.apply(signal, reason: reason)
        }
    }
}
