import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog

/// The state of one channel (`ChannelState`, transitions in Core): driven by what its
/// drainer's calls show and by what its transport reports (a poll failing, a probe). Each
/// change is logged, shown in `/metrics` as `switchboard_channel_state{channel,state}`
/// and handed to `onChange` (the host journals it and keeps it for the inbox and
/// `switchboard channels`).
final class ChannelHealth: @unchecked Sendable {
    struct Change: Sendable {
        let channel: ChannelID
        let from: ChannelState
        let to: ChannelState
        let reason: String?
        let at: Date
    }

    let channel: ChannelID
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let lock = NSLock()
    private var _state: ChannelState = .starting
    private var _reason: String?
    private var _since = Date()
    private var observers: [@Sendable (Change) -> Void] = []

    init(channel: ChannelID, logger: Logger, metrics: PipelineMetrics) {
        self.channel = channel
        self.logger = logger.with(LogKey.channel, channel.rawValue)
        self.metrics = metrics
        publish(.starting)
    }

    var state: ChannelState { lock.withLock { _state } }

    /// The state, why it was entered (for a failure) and since when.
    var snapshot: (state: ChannelState, reason: String?, since: Date) { lock.withLock { (_state, _reason, _since) } }

    func onChange(_ observer: @escaping @Sendable (Change) -> Void) {
        lock.withLock { observers.append(observer) }
    }

    func apply(_ signal: ChannelSignal, reason: String?) {
        let change = lock.withLock { () -> (Change, [@Sendable (Change) -> Void])? in
            let next = _state.applying(signal)
            guard next != _state else { return nil }
            let change = Change(channel: channel, from: _state, to: next, reason: reason, at: Date())
            _state = next
            _reason = reason
            _since = change.at
            return (change, observers)
        }
        guard let (change, observers) = change else { return }
        publish(change.to)
        var fields = ["from": change.from.rawValue, "to": change.to.rawValue]
        if let reason { fields["reason"] = reason }
        logger.log(change.to == .connected || change.to == .stopped ? .info : .warn, "channel state changed", fields)
        for o in observers { o(change) }
    }

    private func publish(_ state: ChannelState) {
        for s in ChannelState.allCases {
            metrics.channelState.labels(channel.rawValue, s.rawValue).set(s == state ? 1 : 0)
        }
    }
}
