import Testing
import SwitchboardCore

/// Contact addresses are typed; the store's text form round-trips, and outbox entries
/// written before addresses were typed (a bare `wa_id`, a bare BSUID) read as what they were.
@Suite struct ContactAddressTests {
    @Test func everyKindRoundTripsThroughItsStorageKey() {
        let all: [ContactAddress] = [.phone("+2348031234567"), .whatsAppUser("US.13491208655302741918"),
                                     .telegramChat(-1001234567890), .telegramChat(42), .webVisitor("v-abc_12345")]
        for a in all {
            #expect(ContactAddress(storageKey: a.storageKey) == a)
        }
        #expect(Set(all.map(\.storageKey)).count == all.count)
    }

    @Test func legacyRecipientsReadAsWhatTheyWere() {
        #expect(ContactAddress(storageKey: "2348031234567") == .phone("+2348031234567"))
        #expect(ContactAddress(storageKey: "US.13491208655302741918") == .whatsAppUser("US.13491208655302741918"))
    }

    @Test func onlyPhonesHaveAnE164() {
        #expect(ContactAddress.phone("+15551234567").e164 == "+15551234567")
        #expect(ContactAddress.telegramChat(7).e164 == nil)
        #expect(ContactAddress.webVisitor("visitor01").e164 == nil)
    }

    @Test func aWhatsAppMessageNamesItsSenderByNumberOrUserID() {
        let byNumber = InboundMessage(channel: "wa", providerMessageID: "wamid.1", from: "5511987654321",
                                      timestamp: .now, kind: .text, providerType: "text", rawJSON: "{}")
        #expect(byNumber.sender == .phone("+5511987654321"))
        let byUser = InboundMessage(channel: "wa", providerMessageID: "wamid.2", from: "", fromUserID: "US.1",
                                    timestamp: .now, kind: .text, providerType: "text", rawJSON: "{}")
        #expect(byUser.sender == .whatsAppUser("US.1"))
    }
}
