import Foundation
import Testing
import SwitchboardChannels
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// `GET /api/v1/messages/{id}/media`: inbound media downloaded from the (fake) Graph API
/// when an agent asks, scoped to the caller's workspace.
@Suite struct InboxMediaTests {
    func storeImage(_ f: InboxFixture, mediaID: String) throws -> Message {
        let ws = f.ws("a")
        let contact = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil).contact
        let c = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
        let payload = #"{"from":"2348031234567","id":"wamid.img1","image":{"id":"\#(mediaID)","mime_type":"image/jpeg"},"timestamp":"1","type":"image"}"#
        guard case .inserted(let m) = try ws.messages.insertInbound(NewInboundMessage(
            conversationID: c.id, providerMessageID: "wamid.img1", kind: .image, text: nil, payloadJSON: payload)) else {
            throw NotInserted()
        }
        return m
    }

    @Test func anAgentDownloadsAnInboundImage() throws {
        let graph = try FakeGraphAPI()
        let bytes = (0..<5000).map { UInt8($0 % 251) }
        graph.addMedia(id: "1375245879353", bytes: bytes, mimeType: "image/jpeg")
        let f = try InboxFixture(media: MediaFetcher(channels: [
            "wa-main": .init(graphURL: graph.graphURL, phoneNumberID: "106540352242922", accessToken: graph.accessToken)]))
        let image = try storeImage(f, mediaID: "1375245879353")

        let r = f.router(as: InboxFixture.agent("a")).respond(to: HTTPRequest(method: "GET", target: "/api/v1/messages/\(image.id)/media"))
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "image/jpeg")
        #expect(r.body == bytes)

        // Another workspace cannot, and the provider is not even asked.
        let before = graph.requests.count
        let other = f.router(as: InboxFixture.agent("b")).respond(to: HTTPRequest(method: "GET", target: "/api/v1/messages/\(image.id)/media"))
        #expect(other.status == 404)
        #expect(graph.requests.count == before)
    }

    @Test func expiredMediaIsAClearBadGateway() throws {
        let graph = try FakeGraphAPI()
        let f = try InboxFixture(media: MediaFetcher(channels: [
            "wa-main": .init(graphURL: graph.graphURL, phoneNumberID: "106540352242922", accessToken: graph.accessToken)]))
        let image = try storeImage(f, mediaID: "999")   // the fake does not know it: gone
        let r = f.router(as: InboxFixture.agent("a")).respond(to: HTTPRequest(method: "GET", target: "/api/v1/messages/\(image.id)/media"))
        #expect(r.status == 502)
        #expect(String(decoding: r.body, as: UTF8.self).contains("the provider did not give the media"))
    }
}

struct NotInserted: Error {}
