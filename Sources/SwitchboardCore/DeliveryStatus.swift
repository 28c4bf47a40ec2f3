/// The life of an outbound message: `queued` in the outbox, `sending` while an attempt is
/// in flight, `sent` once the provider accepted it, then `delivered` and `read` as
/// receipts arrive; `failed` with a reason when it can never be delivered. Nothing leaves
/// this machine silently: every message ends in `sent`/`delivered`/`read`/`failed`, or
/// is still queued.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    case queued, sending, sent, delivered, read, failed

    var rank: Int {
        switch self {
        case .queued: 0
        case .sending: 1
        case .sent: 2
        case .delivered: 3
        case .read: 4
        case .failed: 5
        }
    }

    /// The status after a receipt or an attempt reports `next`. Receipts arrive out of
    /// order (a `delivered` after `read`, a duplicate `sent`): a status never moves
    /// backwards, so those leave it as it is. `read` implies `delivered`. `failed` is final,
    /// except that a provider may report `failed` after `sent`.
    public func advanced(to next: DeliveryStatus) -> DeliveryStatus {
        if self == .failed { return .failed }
        if next == .failed { return self == .delivered || self == .read ? self : .failed }
        if next == .queued, self == .sending { return .queued } // an attempt that will be retried
        return next.rank > rank ? next : self
    }

    public var isFinal: Bool { self == .read || self == .failed }
}
