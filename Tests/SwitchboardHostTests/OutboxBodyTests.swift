import Foundation
import Testing
@testable import SwitchboardHost

@Suite struct OutboxBodyTests {
    @Test func sendBodiesRoundTripAnyText() {
        for text in ["hello", "quote \" backslash \\ slash / newline \n tab \t nul \u{0}", "ẹ kú àárọ̀ 👋🏽", ""] {
            #expect(OutboxBody.decodeSend(OutboxBody.send(text: text, buttons: [])) == .init(text: text, buttons: nil))
            #expect(OutboxBody.decodeSend(OutboxBody.send(text: text, buttons: ["Yes", "No \"way\""]))
                    == .init(text: text, buttons: ["Yes", "No \"way\""]))
        }
        #expect(OutboxBody.decodeMarkRead(OutboxBody.markRead(providerMessageID: "wamid.X/1")) == .init(providerMessageID: "wamid.X/1"))
    }

    /// Entries queued by earlier versions, written by JSONEncoder (sorted keys, slashes
    /// unescaped), read the same, and the text written now is the same as that.
    @Test func bodiesWrittenByJSONEncoderStillRead() throws {
        struct Send: Encodable { var text: String; var buttons: [String]? }
        struct MarkRead: Encodable { var providerMessageID: String }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let old = String(decoding: try encoder.encode(Send(text: "Open 8/7 \"daily\"", buttons: ["Menu"])), as: UTF8.self)
        #expect(OutboxBody.decodeSend(old) == .init(text: "Open 8/7 \"daily\"", buttons: ["Menu"]))
        #expect(OutboxBody.send(text: "Open 8/7 \"daily\"", buttons: ["Menu"]) == old)
        let plain = String(decoding: try encoder.encode(Send(text: "hi", buttons: nil)), as: UTF8.self)
        #expect(OutboxBody.send(text: "hi", buttons: []) == plain)
        let read = String(decoding: try encoder.encode(MarkRead(providerMessageID: "wamid.1")), as: UTF8.self)
        #expect(OutboxBody.markRead(providerMessageID: "wamid.1") == read)
        #expect(OutboxBody.encode(["author": "agent:u1"]) == #"{"author":"agent:u1"}"#)
    }

    @Test func unreadableBodiesAreRefused() {
        for bad in ["", "{", "[]", #"{"buttons":["a"]}"#, #"{"text":1}"#, #"{"text":"a","buttons":[1]}"#] {
            #expect(OutboxBody.decodeSend(bad) == nil)
        }
        #expect(OutboxBody.decodeMarkRead(#"{"id":"x"}"#) == nil)
    }
}
