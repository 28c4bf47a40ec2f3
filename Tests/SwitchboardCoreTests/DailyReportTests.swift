import Foundation
import Testing
@testable import SwitchboardCore

/// The daily report counted from a journal written the way the pipeline writes it.
@Suite struct DailyReportTests {
    let lagos = TimeZone(identifier: "Africa/Lagos")!   // UTC+1, no daylight saving
    /// 2026-12-01 00:00 in Lagos.
    let dayOne = Date(timeIntervalSince1970: 1_796_079_600)

    final class Journal {
        var events: [Event] = []
        var starts: [DailyReport.Start] = []
        func add(_ kind: EventKind, _ c: String, _ ch: String, at: Date, _ detail: [String: String] = [:]) {
            events.append(Event(id: Int64(events.count + 1), workspaceID: "a", conversationID: ConversationID(c), messageID: nil,
                                channelID: ChannelID(ch), kind: kind, detailJSON: EventDetail.json(detail), createdAt: at))
        }
        func start(_ c: String, _ ch: String, at: Date) { starts.append(.init(conversation: ConversationID(c), channel: ChannelID(ch), at: at)) }
    }

    func at(_ day: Int, _ hour: Double) -> Date { dayOne.addingTimeInterval(Double(day) * 86_400 + hour * 3_600) }

    @Test func theDaysOfARangeInTheWorkspacesTimeZone() throws {
        let starts = try #require(DailyReport.dayStarts(from: "2026-12-01", to: "2026-12-03", timeZone: lagos))
        #expect(starts.count == 4)
        #expect(starts.first == dayOne)
        #expect(DailyReport.dayString(starts[0], timeZone: lagos) == "2026-12-01")
        // 23:30 UTC on the 1st is already the 2nd in Lagos.
        #expect(DailyReport.dayString(Date(timeIntervalSince1970: 1_796_167_800), timeZone: lagos) == "2026-12-02")
        #expect(DailyReport.dayStarts(from: "2026-12-03", to: "2026-12-01", timeZone: lagos) == nil)
        #expect(DailyReport.dayStarts(from: "2026-02-30", to: "2026-03-01", timeZone: lagos) == nil)
        #expect(DailyReport.dayStarts(from: "yesterday", to: "2026-03-01", timeZone: lagos) == nil)
        #expect(DailyReport.day("2026-03-01", plus: -13, timeZone: lagos) == "2026-02-16")
        // Across a change of daylight saving time: days of 23 and 25 hours are still days.
        let london = TimeZone(identifier: "Europe/London")!
        #expect(DailyReport.day("2026-03-28", plus: 2, timeZone: london) == "2026-03-30")
        let spring = try #require(DailyReport.dayStarts(from: "2026-03-29", to: "2026-03-29", timeZone: london))
        #expect(spring[1].timeIntervalSince(spring[0]) == 23 * 3_600)
        #expect(DailyReport.day("2026-3-1", plus: 1, timeZone: lagos) == nil)
    }

    @Test func aDayOfTheBotAloneAHandoffAndATakeOver() throws {
        let j = Journal()
        // c1: the bot answers twice and the customer is happy (bot alone).
        j.start("c1", "wa", at: at(0, 9))
        j.add(.received, "c1", "wa", at: at(0, 9))
        j.add(.queued, "c1", "wa", at: at(0, 9.001), ["in_reply_to": "m1"])
        j.add(.sent, "c1", "wa", at: at(0, 9.002))
        j.add(.received, "c1", "wa", at: at(0, 9.1))
        j.add(.queued, "c1", "wa", at: at(0, 9.101), ["in_reply_to": "m2"])
        j.add(.sent, "c1", "wa", at: at(0, 9.102))
        // c2: the bot answers, then hands off; an agent answers 120 s later.
        j.start("c2", "wa", at: at(0, 10))
        j.add(.received, "c2", "wa", at: at(0, 10))
        j.add(.queued, "c2", "wa", at: at(0, 10.001), ["in_reply_to": "m3"])
        j.add(.received, "c2", "wa", at: at(0, 11))
        j.add(.stateChanged, "c2", "wa", at: at(0, 11), ["from": "bot", "to": "human", "trigger": "handoff"])
        j.add(.queued, "c2", "wa", at: at(0, 11).addingTimeInterval(120), ["author": "usr_1"])
        j.add(.queued, "c2", "wa", at: at(0, 11).addingTimeInterval(600), ["author": "usr_1"])   // not a first reply
        // c3, on the web chat: an agent takes over at once by replying (wait 0).
        j.start("c3", "web", at: at(0, 12))
        j.add(.received, "c3", "web", at: at(0, 12))
        j.add(.stateChanged, "c3", "web", at: at(0, 12.5), ["from": "bot", "to": "human", "trigger": "take_over", "how": "reply"])
        j.add(.queued, "c3", "web", at: at(0, 12.5), ["author": "usr_2"])
        // Day 2: c1 is resolved, then reopened by the customer.
        j.add(.stateChanged, "c1", "wa", at: at(1, 8), ["from": "bot", "to": "resolved", "trigger": "resolve"])
        j.add(.received, "c1", "wa", at: at(1, 9))
        j.add(.stateChanged, "c1", "wa", at: at(1, 9), ["from": "resolved", "to": "bot", "trigger": "inbound"])
        // An event outside the range counts nowhere.
        j.add(.received, "c9", "wa", at: at(5, 1))

        let starts = try #require(DailyReport.dayStarts(from: "2026-12-01", to: "2026-12-02", timeZone: lagos))
        let r = DailyReport.compute(events: j.events, starts: j.starts, dayStarts: starts, timeZone: lagos)
        #expect(r.days == ["2026-12-01", "2026-12-02"])
        let d1 = r.totals[0], d2 = r.totals[1]
        #expect(d1.conversationsStarted == 3)
        #expect(d1.messagesIn == 5)
        #expect(d1.messagesOut == 2)
        #expect(d1.botOnly == 1)
        #expect(d1.botOnlyShare == 1.0 / 3)
        #expect(d1.handoffs == 2)
        #expect(d1.firstReplyWaits.sorted() == [0, 120])
        #expect(d1.firstReplyMedian == 0)
        #expect(d1.firstReplyP90 == 120)
        // Day 2: the reopened conversation started again, with no bot reply yet.
        #expect(d2.conversationsStarted == 1)
        #expect(d2.messagesIn == 1)
        #expect(d2.botOnly == 0)
        #expect(d2.handoffs == 0)
        #expect(d2.firstReplyMedian == nil)
        // Per channel: the web chat's day is its own.
        let web = try #require(r.channels["web"])
        #expect(web.map(\.conversationsStarted) == [1, 0])
        #expect(web[0].handoffs == 1 && web[0].firstReplyWaits == [0])
        #expect(r.channels["wa"]?[0].conversationsStarted == 2)
        #expect(r.channels["wa"]?[0].botOnly == 1)
    }

    @Test func nearestRankPercentiles() {
        #expect(DailyReport.percentile([], 0.5) == nil)
        #expect(DailyReport.percentile([7], 0.9) == 7)
        let ten = (1...10).map(Double.init)
        #expect(DailyReport.percentile(ten, 0.5) == 5)
        #expect(DailyReport.percentile(ten, 0.9) == 9)
        #expect(DailyReport.percentile(ten.reversed(), 0.9) == 9)
    }
}
