import Foundation
import FuzzSupport
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport

// fuzz-webhook: WhatsAppWebhook.parse, what `POST /webhooks/whatsapp/{app}` runs on a
// body whose signature checked out (so: on whatever Meta, or whoever holds the app
// secret, sends). Properties, beyond "does not crash":
// - an error has a clear, non-empty message;
// - every message, status and unknown number kept is valid JSON (its raw JSON is a
//   slice of the body, stored as it is and shown in the inbox);
// - nothing is invented: every message id kept is one that occurs in the body;
// - every timestamp is one the host can write (RFC3339.string, the journal's format).

#if FUZZING
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzMain.writeSeedsIfAsked(FuzzWebhook.seeds)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzWebhook.test(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum Replay {
    static func main() { FuzzMain.replay(seeds: FuzzWebhook.seeds, FuzzWebhook.test) }
}
#endif

enum FuzzWebhook {
    static let known = WhatsAppFixtures.phoneNumberID

    static func test(_ input: UnsafeRawBufferPointer) {
        check(Data(input))
    }

    static func check(_ body: Data) {
        let payload: WhatsAppWebhookPayload
        do {
            payload = try WhatsAppWebhook.parse(
                body: body,
                channelFor: { $0 == known ? ChannelID("main") : ($0 == "2" ? ChannelID("second") : nil) },
                receivedAt: Date(timeIntervalSince1970: 1_760_659_225))
        } catch {
            fuzzCheck(!error.description.isEmpty)
            return
        }
        let text = String(decoding: body, as: UTF8.self)
        for batch in payload.batches {
            for m in batch.messages {
                mustRead(m.rawJSON, "message")
                if let c = m.contactsJSON { mustRead(c, "contacts") }
                fuzzCheck(!m.providerMessageID.isEmpty)
                fuzzCheck(containsJSONString(text, m.providerMessageID), "message id not in the body")
                _ = RFC3339.string(m.timestamp)
            }
            for s in batch.statuses {
                mustRead(s.rawJSON, "status")
                _ = RFC3339.string(s.timestamp)
            }
        }
        for u in payload.unknownNumbers { mustRead(u.rawJSON, "unknown number") }
    }

    static func mustRead(_ json: String, _ what: String) {
        do {
            _ = try JSONReader.read(Array(json.utf8))
        } catch {
            fuzzFail("\(what) raw JSON does not read back: \(error)")
        }
    }

    /// Whether `s` occurs in `body`, as written or escaped (a cheap "not invented" check:
    /// an id with escapes is accepted when its unescaped form is not literally there).
    static func containsJSONString(_ body: String, _ s: String) -> Bool {
        body.contains(s) || body.contains("\\")
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        typealias F = WhatsAppFixtures
        var out: [(name: String, bytes: [UInt8])] = []
        let every = F.everyType()
        out.append(("every-type.json", F.inboundBody(every)))
        for (i, m) in every.enumerated() { out.append(("message-\(i).json", F.inboundBody([m]))) }
        out.append(("username.json", F.inboundBody([FixtureMessage(from: "", fromUserID: "US.13491208655302741918",
                                                                   content: .text("hi"))])))
        out.append(("unknown-number.json", F.inboundBody([FixtureMessage(content: .text("hi"))], phoneNumberID: "999")))
        out.append(("statuses.json", F.statusBody([
            FixtureStatus(messageID: "wamid.OUT1", status: "sent"),
            FixtureStatus(messageID: "wamid.OUT1", status: "delivered"),
            FixtureStatus(messageID: "wamid.OUT1", status: "read"),
            FixtureStatus(messageID: "wamid.OUT2", status: "played"),
            FixtureStatus(messageID: "wamid.OUT3", status: "deleted"),
            .reengagementFailure(messageID: "wamid.OUT4"),
        ])))
        out.append(("two-entries.json", F.envelope(
            [F.change(messages: [FixtureMessage(content: .text("a"))]), F.otherFieldChange()],
            entries: [F.entry([F.change(phoneNumberID: "2", statuses: [FixtureStatus(messageID: "wamid.X", status: "sent")])])]
        ).bytes()))
        out.append(("readme-demo.json", Array(#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"2348031234567"}],"messages":[{"from":"2348031234567","id":"wamid.demo1","timestamp":"1760659225","type":"text","text":{"body":"do u deliver to lekki?"}}]}}]}]}"#.utf8)))
        return out
    }
}
