import Testing
import SwitchboardCore
@testable import SwitchboardHost

/// Outbox entries for templates and attachments read back as written, and text entries
/// are never taken for one.
@Suite struct OutboxContentTests {
    @Test func templatesAndMediaRoundTrip() throws {
        let template = OutboxContent.template(name: "order_ready", language: "en_US",
                                              parameters: .init(header: ["#1"], body: ["Ana \"A\"", "näïve \\ /"]))
        #expect(OutboxContent.decode(template.json) == template)
        #expect(template.allowedOutsideWindow)
        let media = OutboxContent.media(.init(kind: "document", mimeType: "application/pdf", sha256: String(repeating: "a", count: 64),
                                              path: "/data/media/demo/aa/x", filename: "price \"list\".pdf", caption: "Prices\nfor May"))
        #expect(OutboxContent.decode(media.json) == media)
        #expect(!media.allowedOutsideWindow)
        let bare = OutboxContent.media(.init(kind: "image", mimeType: "image/png", sha256: "b", path: "/p", filename: nil, caption: nil))
        #expect(OutboxContent.decode(bare.json) == bare)
    }

    @Test func templatesWithHeaderMediaRoundTrip() {
        let file = OutboxContent.template(
            name: "menu", language: "en_US",
            parameters: .init(body: ["Ana"], headerMedia: .init(kind: "document", source: .file(mimeType: "application/pdf", size: 1234),
                                                                filename: "menu \"May\".pdf")),
            headerFile: .init(sha256: String(repeating: "c", count: 64), path: "/data/media/demo/cc/x"))
        #expect(OutboxContent.decode(file.json) == file)
        let link = OutboxContent.template(name: "cake", language: "en_US",
                                          parameters: .init(body: ["Ana"], headerMedia: .init(kind: "image", source: .link("https://x.example/c.jpg"))))
        #expect(OutboxContent.decode(link.json) == link)
        // A header the entry cannot say how to send is unreadable, not a template without it.
        #expect(OutboxContent.decode(#"{"template":{"body":[],"header":[],"header_media":{"kind":"image"},"language":"en_US","name":"cake"}}"#) == nil)
    }

    @Test func textEntriesAreNotContent() {
        #expect(OutboxContent.decode(OutboxBody.send(text: "{\"template\":1}", buttons: [])) == nil)
        #expect(OutboxContent.decode(OutboxBody.send(text: "hi", buttons: ["Yes"])) == nil)
        #expect(OutboxContent.decode(OutboxBody.markRead(providerMessageID: "wamid.1")) == nil)
        #expect(OutboxContent.decode("{\"template\":{\"name\":\"x\"}}") == nil)   // no language: unreadable
    }
}
