import Foundation
import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The inbox tools' repositories on SQLite: the report's reading of the journal (found by
/// bisection over event ids, not by an index on time), canned replies, labels and contact
/// profiles, each bound to its workspace.
@Suite struct InboxToolsStoreTests {
    /// A clock the test sets: every reading returns the time set last.
    final class SetClock: Sendable {
        let ms = Mutex<Int64>(1_780_000_000_000)
        func now() -> Date { Date(millisecondsSince1970: ms.withLock { $0 }) }
        func set(_ date: Date) { ms.withLock { $0 = Int64(date.millisecondsSince1970) } }
    }

    let dir = TempDir()
    let clock = SetClock()
    let store: any Store

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        var options = StoreOptions()
        let clock = self.clock
        options.clock = { clock.now() }
        options.durability = .normal
        store = try makeStore(dir, backend: backend, options: options)
    }

    @Test func theReportReadsTheJournalOfItsRangeAndWorkspaceOnly() throws {
        let a = store.workspace("a"), b = store.workspace("b")
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        clock.set(t0.addingTimeInterval(-7_200))
        let c = try makeConversation(a)
        let cb = try makeConversation(b)
        // Hour by hour: a's events and b's, interleaved, over five hours.
        for hour in 0..<5 {
            clock.set(t0.addingTimeInterval(Double(hour) * 3_600))
            _ = try a.events.append(NewEvent(.received, conversation: c.id, channel: "wa-main", detail: ["n": "\(hour)"]))
            _ = try b.events.append(NewEvent(.received, conversation: cb.id, channel: "wa-main", detail: ["n": "b\(hour)"]))
            _ = try a.events.append(NewEvent(.verdict, conversation: c.id, channel: "wa-main", detail: ["verdict": "reply"]))
            _ = try a.events.append(NewEvent(.queued, conversation: c.id, channel: "wa-main", detail: hour == 2 ? ["author": "usr_1"] : ["in_reply_to": "m"]))
            if hour == 2 {
                clock.set(t0.addingTimeInterval(2 * 3_600 + 60))
                _ = try a.conversations.transition(c.id, .handoff, extraDetail: ["reason": "asked"])
            }
        }

        let input = try a.reports.reportInput(from: t0.addingTimeInterval(3_600), until: t0.addingTimeInterval(3 * 3_600))
        // Hours 1 and 2 of a: received and queued (not the verdict), and the handoff.
        #expect(input.entries.map(\.kind) == [.received, .queued, .received, .queued, .stateChanged])
        #expect(input.entries.map(\.byAgent) == [false, false, false, true, false])
        let change = try #require(input.entries.last)
        #expect(change.from == "bot" && change.to == "human" && change.trigger == "handoff")
        #expect(input.entries.allSatisfy { $0.conversation == c.id })
        #expect(input.starts.isEmpty) // created two hours before the range
        // A range around the creation finds it; one before everything, or after, nothing.
        #expect(try a.reports.reportInput(from: t0.addingTimeInterval(-7_300), until: t0).starts.map(\.conversation) == [c.id])
        #expect(try a.reports.reportInput(from: t0.addingTimeInterval(-86_400), until: t0.addingTimeInterval(-7_300)).entries.isEmpty)
        #expect(try a.reports.reportInput(from: t0.addingTimeInterval(86_400), until: t0.addingTimeInterval(90_000)).entries.isEmpty)
    }

    @Test func aClockSetBackAFewMinutesLosesNothing() throws {
        let a = store.workspace("a")
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        let c = try makeConversation(a)
        clock.set(t0)
        _ = try a.events.append(NewEvent(.received, conversation: c.id, channel: "wa-main", detail: [:]))
        clock.set(t0.addingTimeInterval(300))
        _ = try a.events.append(NewEvent(.received, conversation: c.id, channel: "wa-main", detail: [:]))
        clock.set(t0.addingTimeInterval(120))   // the wall clock stepped back
        _ = try a.events.append(NewEvent(.sent, conversation: c.id, channel: "wa-main", detail: [:]))
        clock.set(t0.addingTimeInterval(400))
        _ = try a.events.append(NewEvent(.sent, conversation: c.id, channel: "wa-main", detail: [:]))
        let input = try a.reports.reportInput(from: t0.addingTimeInterval(100), until: t0.addingTimeInterval(350))
        #expect(input.entries.map(\.kind) == [.received, .sent])
    }

    /// A profile row whose attributes are not a JSON object of strings is an error, never
    /// an empty profile (an edit would then overwrite what was there).
    @Test func anUnreadableProfileIsAnErrorNotAnEmptyProfile() throws {
        let a = store.workspace("a")
        let c = try makeConversation(a)
        _ = try a.contactProfiles.update(c.contactID, name: "Ada", attributes: ["city": "Lagos"])
        try rawSQL(store, ["UPDATE contact_profiles SET attributes_json = '[1,2]' WHERE contact_id = ?"], [c.contactID])
        #expect(throws: StoreError.self) { try a.contactProfiles.profile(c.contactID) }
        do { _ = try a.contactProfiles.profile(c.contactID) } catch let e as StoreError { #expect(e.code == .unreadable) }
    }

    @Test func cannedRepliesLabelsAndProfilesAreTheWorkspaces() throws {
        let a = store.workspace("a"), b = store.workspace("b")
        let c = try makeConversation(a)
        let reply = try a.cannedReplies.create(shortcut: "hours", text: "8 to 7")
        #expect(throws: StoreError.self) { try a.cannedReplies.create(shortcut: "hours", text: "again") }
        _ = try b.cannedReplies.create(shortcut: "hours", text: "b's own")   // the same shortcut in another workspace
        #expect(try b.cannedReplies.get(reply.id) == nil)
        #expect(try b.cannedReplies.delete(reply.id) == false)
        #expect(throws: StoreError.self) { try b.cannedReplies.update(reply.id, shortcut: "x", text: "y") }
        #expect(try a.cannedReplies.list().map(\.text) == ["8 to 7"])

        let label = try a.labels.create(name: "vip", color: "purple")
        try a.labels.attach(label.id, to: c.id)
        try a.labels.attach(label.id, to: c.id)   // again: no change
        #expect(try a.labels.labels(of: [c.id])[c.id]?.map(\.name) == ["vip"])
        #expect(try a.conversations.list(ConversationFilter(label: label.id), after: nil, limit: 10).map(\.id) == [c.id])
        #expect(throws: StoreError.self) { try b.labels.attach(label.id, to: c.id) }
        let bLabel = try b.labels.create(name: "vip", color: nil)
        #expect(throws: StoreError.self) { try a.labels.attach(bLabel.id, to: c.id) }
        #expect(try b.labels.delete(label.id) == false)
        #expect(try a.labels.delete(label.id))
        #expect(try a.labels.labels(of: [c.id]).isEmpty)

        _ = try a.contactProfiles.update(c.contactID, name: .some("Ada"), attributes: ["city": "Lagos"])
        #expect(try a.contactProfiles.names(of: [c.contactID]) == [c.contactID: "Ada"])
        #expect(throws: StoreError.self) { try b.contactProfiles.profile(c.contactID) }
        #expect(throws: StoreError.self) { try b.contactProfiles.addNote(c.contactID, author: "x", text: "y") }
        #expect(try b.contactProfiles.names(of: [c.contactID]).isEmpty)
        _ = try a.contactProfiles.addNote(c.contactID, author: "usr_1", text: "likes chocolate")
        #expect(try a.contactProfiles.notes(c.contactID, limit: 10).map(\.text) == ["likes chocolate"])
        #expect(try a.contactProfiles.conversations(of: c.contactID, limit: 10).map(\.id) == [c.id])
    }
}
