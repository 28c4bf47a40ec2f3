import Testing
@testable import SwitchboardCore

@Suite struct DeliveryStatusTests {
    @Test func movesForwardOnly() {
        #expect(DeliveryStatus.sent.advanced(to: .delivered) == .delivered)
        #expect(DeliveryStatus.read.advanced(to: .delivered) == .read)
        #expect(DeliveryStatus.delivered.advanced(to: .sent) == .delivered)
        #expect(DeliveryStatus.sent.advanced(to: .read) == .read)   // delivered skipped
    }

    @Test func failedIsFinalAndLateFailuresDoNotUndoDelivery() {
        #expect(DeliveryStatus.failed.advanced(to: .read) == .failed)
        #expect(DeliveryStatus.sent.advanced(to: .failed) == .failed)
        #expect(DeliveryStatus.read.advanced(to: .failed) == .read)
    }

    @Test func aRetriedAttemptGoesBackToQueued() {
        #expect(DeliveryStatus.sending.advanced(to: .queued) == .queued)
        #expect(DeliveryStatus.sent.advanced(to: .queued) == .sent)
    }
}
