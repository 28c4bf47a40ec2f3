import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardHost

/// Receipts that came before their send was recorded: kept per send, given back once,
/// aged out, and bounded.
@Suite struct EarlyReceiptsTests {
    func receipt(_ id: String, _ status: DeliveryStatus = .delivered, channel: ChannelID = "wa") -> DeliveryReceipt {
        DeliveryReceipt(channel: channel, providerMessageID: id, status: status, providerStatus: status.rawValue,
                        timestamp: Date(), recipientID: "2348031234567", rawJSON: "{}")
    }

    @Test func heldReceiptsAreGivenBackOnceInOrder() {
        let early = EarlyReceipts()
        early.hold(receipt("wamid.1", .delivered))
        early.hold(receipt("wamid.1", .read))
        early.hold(receipt("wamid.2", .read))
        #expect(early.take(channel: "wa", providerMessageID: "wamid.1").map(\.status) == [.delivered, .read])
        #expect(early.take(channel: "wa", providerMessageID: "wamid.1").isEmpty)
        #expect(early.take(channel: "other", providerMessageID: "wamid.2").isEmpty)
        #expect(early.count == 1)
    }

    @Test func staleReceiptsAgeOutAndTheOldestGoFirstWhenFull() {
        let early = EarlyReceipts(capacity: 2, keep: .seconds(10))
        let t0 = ContinuousClock.now
        early.hold(receipt("a"), now: t0)
        #expect(early.take(channel: "wa", providerMessageID: "a", now: t0 + .seconds(11)).isEmpty)
        early.hold(receipt("b"), now: t0)
        early.hold(receipt("c"), now: t0 + .seconds(1))
        early.hold(receipt("d"), now: t0 + .seconds(2))
        #expect(early.count == 2)
        #expect(early.take(channel: "wa", providerMessageID: "b", now: t0 + .seconds(2)).isEmpty)
        #expect(early.take(channel: "wa", providerMessageID: "d", now: t0 + .seconds(2)).count == 1)
    }
}
