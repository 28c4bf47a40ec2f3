import Foundation
import Testing
import SwitchboardTestSupport

/// The count of unanswered messages in a row is saved by the responder worker in the
/// transaction that records each message's outcome (not by the chain in a commit of its
/// own): the handoff after `after_unanswered` messages must still come, on the third.
@Suite(.serialized) struct UnansweredTurnsTests {
    @Test func theThirdUnansweredMessageHandsOff() throws {
        let h = try PipelineHarness(workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM])
        try h.start()
        for i in 1...3 {
            // One at a time: the count is read when the next message is processed.
            #expect(try h.post([h.text("is the red one still there \(i)")]).status == 200)
            #expect(h.waitForReplies(i))
        }
        let texts = h.replies.map { $0.text ?? "" }
        #expect(texts.prefix(2).allSatisfy { $0 == "Thanks! We will get back to you shortly." }, "\(texts)")
        #expect(texts.last?.contains("agent") == true, "\(texts)")
    }
}
