import Foundation
import Synchronization
import SwitchboardCore

/// Delivery receipts that arrived before the send they are about was recorded. A provider
/// may post `sent`/`delivered`/`read` as soon as it accepted a message, while the sender
/// lane's record of that send (its provider message id) is still waiting for the store's
/// writer; such a receipt names an id no stored message has yet. It is kept here (in memory,
/// at most `capacity`, for `keep`) and applied once the send's record is committed
/// (`OutboxSettler` calls `take` then). A receipt for a message this host never sent ages
/// out unapplied, as before.
final class EarlyReceipts: Sendable {
    private struct Key: Hashable { let channel: ChannelID; let providerMessageID: String }
    private let held = Mutex<[Key: (receipts: [DeliveryReceipt], at: ContinuousClock.Instant)]>([:])
    let capacity: Int
    let keep: Duration

    init(capacity: Int = 10_000, keep: Duration = .seconds(120)) {
        self.capacity = capacity
        self.keep = keep
    }

    /// Keeps `receipt` until its send is recorded or `keep` has passed.
    func hold(_ receipt: DeliveryReceipt, now: ContinuousClock.Instant = .now) {
        let key = Key(channel: receipt.channel, providerMessageID: receipt.providerMessageID)
        held.withLock { h in
            if h.count >= capacity {
                h = h.filter { now - $0.value.at < keep }
                if h.count >= capacity, let oldest = h.min(by: { $0.value.at < $1.value.at })?.key { h[oldest] = nil }
            }
            h[key, default: ([], now)].receipts.append(receipt)
        }
    }

    /// The receipts held for this send, removed; empty when none (or only stale ones) are.
    func take(channel: ChannelID, providerMessageID: String, now: ContinuousClock.Instant = .now) -> [DeliveryReceipt] {
        held.withLock { h in
            guard let entry = h.removeValue(forKey: Key(channel: channel, providerMessageID: providerMessageID)),
                  now - entry.at < keep else { return [] }
            return entry.receipts
        }
    }

    var count: Int { held.withLock { $0.count } }
}
