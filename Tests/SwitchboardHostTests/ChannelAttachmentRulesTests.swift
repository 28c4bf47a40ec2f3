import Foundation
import Testing
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardHost

/// Each channel's own attachment rules (`OutboundMediaRules`), checked before anything is
/// stored: Telegram's and WhatsApp Web's types and limits, no 24-hour window off the
/// Cloud API, and a clear refusal for a channel that sends no files.
@Suite struct ChannelAttachmentRulesTests {
    func attachments(_ f: InboxFixture) -> AgentAttachments {
        AgentAttachments(store: f.store, media: MediaStore(root: f.dir + "/media"), logger: Logger(sink: LogSink(level: .error)),
                         whatsAppChannels: ["wa-main"], notify: { _ in },
                         otherChannels: ["tg-main": .telegram, "wa-web": .whatsAppWeb])
    }

    func refusal(_ body: () throws -> Message) -> AgentAttachments.Refusal? {
        do { _ = try body(); return nil } catch let r as AgentAttachments.Refusal { return r } catch {
            Issue.record("not a refusal: \(error)")
            return nil
        }
    }

    @Test func eachChannelHasItsOwnTypesAndLimits() throws {
        let f = try InboxFixture()
        let a = attachments(f)
        let tg = try f.inbound("a", phone: "+2348031234501", channel: "tg-main")
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        // A photo over Telegram's 10 MB, which the Cloud API's 5 MB would have named differently.
        let big = try #require(refusal { try a.attach(workspace: "a", conversation: tg.id, bytes: jpeg + Array(repeating: 1, count: 10 << 20),
                                                      mimeType: "image/jpeg", filename: nil, caption: nil, author: "u") })
        #expect(big.code == .tooLarge)
        #expect(big.description.contains("Telegram takes image/jpeg up to 10485760 bytes (10 MB)"), "\(big.description)")
        let gif = try #require(refusal { try a.attach(workspace: "a", conversation: tg.id, bytes: Array("GIF89a".utf8),
                                                      mimeType: "image/gif", filename: nil, caption: nil, author: "u") })
        #expect(gif.code == .unsupportedType)
        #expect(gif.description.hasPrefix("Telegram does not take 'image/gif'"))
        #expect(gif.description.contains("audio/mpeg"))
        // An MP3 goes to Telegram as audio, days after the customer last wrote (no window).
        let later = (tg.lastInboundAt ?? Date()).addingTimeInterval(3 * 86_400)
        let mp3 = try a.attach(workspace: "a", conversation: tg.id, bytes: Array("ID3".utf8) + Array(repeating: 7, count: 4000),
                               mimeType: "audio/mpeg", filename: "jingle.mp3", caption: "our jingle", author: "u", now: later)
        #expect(mp3.kind == .audio)
        #expect(mp3.text == "our jingle")
        let entry = try #require(try f.store.queue.claimOutbox(channel: "tg-main", now: f.clock.next().addingTimeInterval(60), limit: 1, lease: 30).first)
        guard case .media(let m) = OutboxContent.decode(entry.bodyJSON) else {
            Issue.record("the outbox entry is not an attachment: \(entry.bodyJSON)")
            return
        }
        #expect(m.kind == "audio")
        #expect(m.mimeType == "audio/mpeg")
        #expect(m.filename == "jingle.mp3")

        // WhatsApp Web takes an MP4 video; the Cloud API does not.
        let web = try f.inbound("a", phone: "+2348031234502", channel: "wa-web")
        let mp4: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + Array(repeating: 0, count: 2000)
        let video = try a.attach(workspace: "a", conversation: web.id, bytes: mp4, mimeType: "video/mp4",
                                 filename: nil, caption: nil, author: "u")
        #expect(video.kind == .video)
        let cloud = try f.inbound("a", phone: "+2348031234503", channel: "wa-main")
        let refused = try #require(refusal { try a.attach(workspace: "a", conversation: cloud.id, bytes: Array(repeating: 0, count: 2000),
                                                          mimeType: "video/mp4", filename: nil, caption: nil, author: "u") })
        #expect(refused.code == .unsupportedType)
        #expect(refused.description.hasPrefix("WhatsApp does not take 'video/mp4'"))
        // The Cloud API keeps its window.
        let late = try #require(refusal { try a.attach(workspace: "a", conversation: cloud.id, bytes: jpeg + [1, 2], mimeType: "image/jpeg",
                                                       filename: nil, caption: nil, author: "u",
                                                       now: (cloud.lastInboundAt ?? Date()).addingTimeInterval(3 * 86_400)) })
        #expect(late.code == .outsideWindow)

        // A channel that sends no files: refused, nothing stored.
        let other = try f.inbound("a", phone: "+2348031234504", channel: "sms-x")
        let none = try #require(refusal { try a.attach(workspace: "a", conversation: other.id, bytes: jpeg + [1], mimeType: "image/jpeg",
                                                       filename: nil, caption: nil, author: "u") })
        #expect(none.code == .unsupportedChannel)
        #expect(try f.store.workspace("a").messages.list(conversation: other.id, after: nil, limit: 10).count == 1)
    }
}
