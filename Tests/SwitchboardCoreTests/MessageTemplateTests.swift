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

    @Test func onlyApprovedTemplatesMayBeSentAndAMediaHeaderNeedsItsMedia() {
        var paused = ready
        paused.status = .paused
        #expect(paused.refusal(.init(body: ["Ana", "1"]))?.contains("paused") == true)
        var image = ready
        image.mediaHeader = "IMAGE"
        #expect(image.refusal(.init(body: ["Ana", "1"]))?.contains("image header") == true)
        #expect(MessageTemplate.Status(provider: "approved") == .approved)
        #expect(MessageTemplate.Status(provider: "SOMETHING_NEW") == .unknown)
    }

    @Test func aMediaHeaderTakesAFileOfItsKindTypeAndSizeOrAnHttpsLink() {
        var menu = ready
        menu.mediaHeader = "DOCUMENT"
        let body = ["Ana", "1"]
        func refusal(_ kind: String, _ source: MessageTemplate.HeaderMedia.Source) -> String? {
            menu.refusal(.init(body: body, headerMedia: .init(kind: kind, source: source, filename: "menu.pdf")))
        }
        #expect(refusal("document", .file(mimeType: "application/pdf", size: 2_000_000)) == nil)
        #expect(refusal("document", .link("https://bakery.example/menu.pdf")) == nil)
        #expect(refusal("document", .id("4490709327")) == nil)
        #expect(menu.refusal(.init(body: body))?.contains("document header: give a PDF") == true)
        #expect(refusal("image", .file(mimeType: "image/png", size: 10))?.contains("not an image") == true)
        #expect(refusal("document", .file(mimeType: "image/gif", size: 10))?.contains("application/pdf") == true)
        #expect(refusal("document", .file(mimeType: "application/pdf", size: (100 << 20) + 1))?.contains("100 MB") == true)
        #expect(refusal("document", .file(mimeType: "application/pdf", size: 0))?.contains("empty") == true)
        #expect(refusal("document", .link("http://bakery.example/menu.pdf"))?.contains("https://") == true)
        #expect(refusal("document", .link("https://bakery.example/a menu.pdf"))?.contains("without spaces") == true)
        var photo = ready
        photo.mediaHeader = "IMAGE"
        #expect(photo.refusal(.init(body: body, headerMedia: .init(kind: "image", source: .file(mimeType: "image/jpeg", size: (5 << 20) + 1))))?
            .contains("5 MB") == true)
        var clip = ready
        clip.mediaHeader = "VIDEO"
        #expect(clip.refusal(.init(body: body, headerMedia: .init(kind: "video", source: .file(mimeType: "video/mp4", size: 16 << 20)))) == nil)
        // Not wanted where the header is text; a location header is not sent by this host.
        #expect(ready.refusal(.init(body: body, headerMedia: .init(kind: "image", source: .link("https://x.example/a.jpg"))))?
            .contains("has no image, video or document header") == true)
        var place = ready
        place.mediaHeader = "LOCATION"
        #expect(place.refusal(.init(body: body))?.contains("cannot send") == true)
    }

    @Test func mediaSignaturesAreChecked() {
        #expect(OutboundMediaTypes.signatureMismatch([0, 0, 0, 24] + Array("ftypmp42".utf8), mimeType: "video/mp4") == nil)
        #expect(OutboundMediaTypes.signatureMismatch(Array("not a video".utf8), mimeType: "video/mp4") != nil)
        #expect(OutboundMediaTypes.megabytes(16 << 20) == "16 MB")
        #expect(OutboundMediaTypes.megabytes(3 << 19) == "1.5 MB")
    }
}
