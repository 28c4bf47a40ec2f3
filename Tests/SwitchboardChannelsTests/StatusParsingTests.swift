import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct StatusParsingTests {
    func parse(_ statuses: [FixtureStatus]) throws -> [DeliveryReceipt] {
        let payload = try WhatsAppWebhook.parse(body: Data(WhatsAppFixtures.statusBody(statuses)), channelFor: { _ in "wa-main" })
        #expect(payload.messages.isEmpty)
        return payload.statuses
    }

    @Test func sentDeliveredRead() throws {
        let s = try parse([
            FixtureStatus(messageID: "wamid.O1", status: "sent", recipient: "5511987654321", timestamp: 1_760_659_240),
            FixtureStatus(messageID: "wamid.O1", status: "delivered", timestamp: 1_760_659_241),
            FixtureStatus(messageID: "wamid.O1", status: "read", timestamp: 1_760_659_242),
        ])
        #expect(s.map(\.status) == [.sent, .delivered, .read])
        #expect(s.map(\.providerStatus) == ["sent", "delivered", "read"])
        #expect(s.allSatisfy { $0.providerMessageID == "wamid.O1" && $0.channel == "wa-main" && $0.errors.isEmpty })
        #expect(s[0].recipientID == "5511987654321")
        #expect(s[0].timestamp == Date(timeIntervalSince1970: 1_760_659_240))
        #expect(s[0].rawJSON.contains("\"pricing\""))
    }

    @Test func playedCountsAsRead() throws {
        let s = try parse([FixtureStatus(messageID: "wamid.V", status: "played")])
        #expect(s.first?.status == .read)
        #expect(s.first?.providerStatus == "played")
    }

    @Test func failedCarriesTheErrors() throws {
        let s = try parse([FixtureStatus.reengagementFailure(messageID: "wamid.F")])
        #expect(s.first?.status == .failed)
        #expect(s.first?.errors == [ProviderError(
            code: 131047, title: "Re-engagement message", message: "Re-engagement message",
            details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")])
    }

    /// Receipts arrive out of order and twice; applied in arrival order with
    /// `DeliveryStatus.advanced(to:)` the message still ends `read`.
    @Test func outOfOrderAndDuplicateReceiptsSettleOnRead() throws {
        let s = try parse([
            FixtureStatus(messageID: "wamid.O2", status: "read"),
            FixtureStatus(messageID: "wamid.O2", status: "sent"),
            FixtureStatus(messageID: "wamid.O2", status: "delivered"),
            FixtureStatus(messageID: "wamid.O2", status: "delivered"),
        ])
        #expect(s.map(\.status) == [.read, .sent, .delivered, .delivered])
        let final = s.reduce(DeliveryStatus.sending) { $0.advanced(to: $1.status) }
        #expect(final == .read)
    }

    @Test func unknownStatusWordIsSkippedWithAWarning() throws {
        let payload = try WhatsAppWebhook.parse(
            body: Data(WhatsAppFixtures.statusBody([FixtureStatus(messageID: "wamid.D", status: "deleted"),
                                                    FixtureStatus(messageID: "wamid.D", status: "sent")])),
            channelFor: { _ in "wa-main" })
        #expect(payload.statuses.map(\.status) == [.sent])
        #expect(payload.warnings.count == 1)
        #expect(payload.warnings.first?.contains("deleted") == true)
    }

    @Test func messagesAndStatusesInOneChange() throws {
        let body = WhatsAppFixtures.envelope([WhatsAppFixtures.change(
            messages: [FixtureMessage(id: "wamid.IN", content: .text("oi"))],
            statuses: [FixtureStatus(messageID: "wamid.OUT", status: "delivered")])]).bytes()
        let payload = try WhatsAppWebhook.parse(body: Data(body), channelFor: { _ in "wa-main" })
        #expect(payload.batches.count == 1)
        #expect(payload.messages.map(\.providerMessageID) == ["wamid.IN"])
        #expect(payload.statuses.map(\.providerMessageID) == ["wamid.OUT"])
    }
}
