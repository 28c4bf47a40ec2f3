import Foundation
import Testing
import SwitchboardTestSupport

/// The Cloud API's business-scoped user ids (BSUID, `from_user_id`): a customer seen by
/// user id alone and then with their number is one contact, not two.
@Suite(.serialized) struct CloudUserIDTests {
    @Test func aUserIDAndTheNumberAreOneContact() throws {
        let h = try PipelineHarness()
        try h.start()
        let db = { try TestDatabase(path: h.host.dir.appendingPathComponent("switchboard.db").path) }
        // A known customer, by number.
        #expect(try h.post([h.text("hi, by number")]).status == 200)
        #expect(h.waitForReplies(1))
        // Then without a number, only the BSUID (a username): a second contact for now,
        // answered on the BSUID.
        var m1 = h.text("hi, by username")
        m1.from = ""
        m1.fromUserID = "NG.9f3c2a"
        #expect(try h.post([m1]).status == 200)
        #expect(h.waitForReplies(2))
        #expect(h.replies.last?.to == "NG.9f3c2a")
        #expect(try db().rows("SELECT e164 FROM contacts ORDER BY e164") == [["+2348031234567"], ["user:NG.9f3c2a"]])
        // The same person with their number beside the BSUID: merged into one contact keyed
        // by the number, one conversation with the whole history.
        var m2 = h.text("now with my number")
        m2.fromUserID = "NG.9f3c2a"
        #expect(try h.post([m2]).status == 200)
        #expect(h.waitForReplies(3))
        #expect(try db().rows("SELECT e164 FROM contacts") == [["+2348031234567"]])
        #expect(try db().value("SELECT count(*) FROM conversations") == "1")
        #expect(try db().value("SELECT count(*) FROM messages WHERE direction = 'inbound'") == "3")
        // The BSUID alone again: the number's contact, answered on the number.
        var m3 = h.text("username again")
        m3.from = ""
        m3.fromUserID = "NG.9f3c2a"
        #expect(try h.post([m3]).status == 200)
        #expect(h.waitForReplies(4))
        #expect(try db().value("SELECT count(*) FROM contacts") == "1")
        #expect(h.replies.last?.to == "2348031234567" || h.replies.last?.to == "+2348031234567")
        #expect(try h.events().contains { $0.contains(" contact_merged ") })
    }
}
