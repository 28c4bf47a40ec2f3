import Testing
@testable import SwitchboardCore

/// The check of an agent's parameters against a template, before any provider call.
@Suite struct MessageTemplateTests {
    let ready = MessageTemplate(channelID: "wa", name: "order_ready", language: "en_US", status: .approved, category: "UTILITY",
                                bodyText: "Hi {{1}}, order {{2}} is ready. {{1}}!", bodyParameters: 2)

    @Test func placeholdersAreCountedOncePerNumberOrName() {
        #expect(MessageTemplate.placeholderCount("Hi {{1}}, order {{2}} is ready. {{1}}!") == 2)
        #expect(MessageTemplate.placeholderCount("no variables") == 0)
        #expect(MessageTemplate.placeholderCount("{{first_name}} and {{ 2 }}") == 2)
        #expect(MessageTemplate.placeholderCount("{{}} and {{ unclosed") == 0)
    }

    @Test func theRightParametersPassAndRender() {
        let p = MessageTemplate.Parameters(body: ["Ana", "#12"])
        #expect(ready.refusal(p) == nil)
        #expect(ready.rendered(p) == "Hi Ana, order #12 is ready. Ana!")
    }

    @Test func aWrongCountEmptyOrMultiLineParameterIsRefusedWithTheReason() {
        #expect(ready.refusal(.init(body: ["Ana"]))?.contains("takes 2 body parameters") == true)
        #expect(ready.refusal(.init(body: ["Ana", "1", "2"]))?.contains("got 3") == true)
        #expect(ready.refusal(.init(header: ["x"], body: ["Ana", "1"]))?.contains("header") == true)
        #expect(ready.refusal(.init(body: ["Ana", "  "]))?.contains("{{2}} is empty") == true)
        #expect(ready.refusal(.init(body: ["Ana", "a\nb"]))?.contains("newline") == true)
        #expect(ready.refusal(.init(body: ["Ana", String(repeating: "x", count: 1025)]))?.contains("1025") == true)
    }

    @Test func onlyApprovedTemplatesWithoutAMediaHeaderMayBeSent() {
        var paused = ready
        paused.status = .paused
        #expect(paused.refusal(.init(body: ["Ana", "1"]))?.contains("paused") == true)
        var image = ready
        image.mediaHeader = "IMAGE"
        #expect(image.refusal(.init(body: ["Ana", "1"]))?.contains("image header") == true)
        #expect(MessageTemplate.Status(provider: "approved") == .approved)
        #expect(MessageTemplate.Status(provider: "SOMETHING_NEW") == .unknown)
    }
}
