import Testing
@testable import SwitchboardCore

@Suite struct RoutingTableTests {
    let table = RoutingTable(
        channels: [
            .init(channel: "wa-bakery", workspace: "bakery", fallback: nil),
            .init(channel: "wa-shared", workspace: nil, fallback: "front-desk"),
            .init(channel: "wa-strict", workspace: nil, fallback: nil),
        ],
        senders: ["clinic": ["+2348031234567"], "shop": ["+5511987654321"]]
    )

    @Test func recipientRoutingIgnoresSender() {
        #expect(table.route(channel: "wa-bakery", senderE164: "+2348031234567") == .workspace("bakery", .recipient))
    }

    @Test func sharedChannelRoutesBySender() {
        #expect(table.route(channel: "wa-shared", senderE164: "+2348031234567") == .workspace("clinic", .sender))
        #expect(table.route(channel: "wa-strict", senderE164: "+5511987654321") == .workspace("shop", .sender))
    }

    @Test func unknownSenderGoesToFallback() {
        #expect(table.route(channel: "wa-shared", senderE164: "+4915123456789") == .workspace("front-desk", .fallback))
    }

    @Test func unknownSenderWithoutFallbackIsHeldNotDropped() {
        guard case .unrouted(let why) = table.route(channel: "wa-strict", senderE164: "+4915123456789") else {
            Issue.record("expected unrouted"); return
        }
        #expect(why.contains("senders list"))
    }

    @Test func unknownChannelIsUnrouted() {
        #expect(table.route(channel: "nope", senderE164: nil) == .unrouted("unknown channel nope"))
    }
}
