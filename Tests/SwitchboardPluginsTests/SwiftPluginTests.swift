import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardPlugins

/// The bundled Swift plugins, libfaq.so and libhandoff.so, loaded from the build folder
/// side by side, as `serve` loads them.
@Suite struct SwiftPluginTests {
    let store = InMemoryPluginStateStore()

    /// 2026-05-29 is a Friday. Times are given in Lagos (UTC+1, no DST).
    static func lagos(_ day: Int, _ hour: Int, _ minute: Int = 0, month: Int = 5) -> Date {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Africa/Lagos")!
        return c.date(from: DateComponents(year: 2026, month: month, day: day, hour: hour, minute: minute))!
    }

    func host(at now: Date = SwiftPluginTests.lagos(27, 11)) throws -> PluginHost {
        for lib in ["libfaq.so", "libhandoff.so"] {
            guard FileManager.default.fileExists(atPath: TestSupport.buildDir + "/" + lib) else {
                throw TestSupport.CommandFailed(description: "\(lib) is not in \(TestSupport.buildDir): build the plugin products first (swift build)")
            }
        }
        return PluginHost(searchPaths: [TestSupport.buildDir], logger: TestSupport.quietLogger, stateStore: store, clock: { now })
    }

    static let faqConfig = #"""
    {"entries": [
      {"id": "hours", "questions": ["What are your opening hours?", "When are you open?"],
       "answer": "We are open 8am to 7pm, Monday to Saturday."},
      {"id": "delivery", "questions": ["Do you deliver?"], "answer": "Yes, anywhere in Lagos."}
    ]}
    """#

    func chain(handoff: String = "{}", at now: Date = SwiftPluginTests.lagos(27, 11), workspace: WorkspaceID = "ws-a") throws -> ResponderChain {
        try host(at: now).load(workspace: workspace, timezone: "Africa/Lagos", specs: [
            PluginSpec(name: "faq", configJSON: Self.faqConfig),
            PluginSpec(name: "handoff", configJSON: handoff),
        ])
    }

    func run(_ c: ResponderChain, _ text: String, conversation: String = "c1", workspace: WorkspaceID = "ws-a") -> ChainResult {
        c.runBlocking(message: TestSupport.message(text, workspace: workspace, conversation: conversation))
    }

    @Test func faqAndHandoffLoadSideBySide() throws {
        let c = try chain()
        let infos = c.instances.map(\.info)
        #expect(infos.map(\.id) == ["faq", "handoff"])
        #expect(infos.allSatisfy { $0.abi == PluginHost.abiVersion && $0.version == "1.0.0" })
        // Both only compute in `handle`: they declare SB_PLUGIN_FLAG_INLINE.
        #expect(infos.map(\.callsInline) == [true, true])
        #expect(c.instances.map(\.callsInline) == [true, true])
        let r = run(c, "When are you open?")
        #expect(r.verdict == .reply(text: "We are open 8am to 7pm, Monday to Saturday.", buttons: []))
        #expect(r.plugin == "faq")
        let h = run(c, "I want to speak to a human please", conversation: "c2")
        guard case let .handoff(reason, message) = h.verdict else { Issue.record("expected handoff, got \(h.verdict)"); return }
        #expect(h.plugin == "handoff")
        #expect(reason.contains("customer asked for a human"))
        #expect(message == "Thanks for your patience. An agent will reply shortly.")
        #expect(run(c, "hmm", conversation: "c3").verdict == .pass)
        #expect(PluginHost.loadedPlugins().contains { $0.id == "faq" } && PluginHost.loadedPlugins().contains { $0.id == "handoff" })
    }

    @Test(arguments: [
        "Quiero hablar con una persona",          // Spanish
        "Posso falar com um atendente?",          // Portuguese
        "Je voudrais parler à quelqu'un",          // French
        "Ich möchte mit einem Menschen sprechen", // German
        "Vorrei parlare con qualcuno",            // Italian
        "SPEAK TO SOMEONE!!",                     // English, shouting
    ])
    func handoffOnRequestInSeveralLanguages(_ text: String) throws {
        let r = run(try chain(), text)
        guard case let .handoff(reason, _) = r.verdict else { Issue.record("\(text): \(r.verdict)"); return }
        #expect(reason.hasPrefix("customer asked for a human"))
    }

    @Test func noHandoffOnOrdinaryWordsThatContainAPhrase() throws {
        // "humanity" contains "human", "agentes" in a product name... whole words only.
        #expect(run(try chain(), "We love humanity and management", conversation: "w").verdict == .pass)
    }

    @Test func handoffOnAConfiguredKeyword() throws {
        let c = try chain(handoff: #"{"keywords": ["complaint", "refund"]}"#)
        let r = run(c, "I have a Complaint about my order")
        #expect(r.verdict == .handoff(reason: "keyword: complaint", message: "Thanks for your patience. An agent will reply shortly."))
    }

    @Test func handoffAfterUnansweredMessagesInARow() throws {
        let c = try chain(handoff: #"{"after_unanswered": 3}"#)
        #expect(run(c, "blue cake?", conversation: "u").verdict == .pass)
        #expect(run(c, "with sprinkles?", conversation: "u").verdict == .pass)
        // An FAQ answer in between resets the count...
        #expect(run(c, "Do you deliver?", conversation: "u").plugin == "faq")
        #expect(run(c, "one", conversation: "u").verdict == .pass)
        #expect(run(c, "two", conversation: "u").verdict == .pass)
        // ...so the third unanswered message in a row is the one handed off.
        let r = run(c, "three", conversation: "u")
        #expect(r.verdict == .handoff(reason: "no answer for 3 messages in a row", message: "Thanks for your patience. An agent will reply shortly."))
        // The handoff reset it again.
        #expect(run(c, "after", conversation: "u").verdict == .pass)
    }

    @Test func businessHoursMessageWithAFixedClock() throws {
        let config = #"{"hours": "mon-fri 09:00-17:00, sat 10:00-14:00", "message_closed": "An agent will reply at {next_open}."}"#
        func verdictAt(_ now: Date) throws -> Verdict {
            run(try chain(handoff: config, at: now), "agent please").verdict
        }
        // Friday 18:30 -> Saturday 10:00.
        #expect(try verdictAt(Self.lagos(29, 18, 30)) == .handoff(reason: "customer asked for a human (\"agent\")", message: "An agent will reply at 10:00 tomorrow."))
        // Saturday 15:00 -> Monday 9:00.
        #expect(try verdictAt(Self.lagos(30, 15)).handoffMessage == "An agent will reply at 9:00 on Monday.")
        // Tuesday 07:45 -> today 9:00.
        #expect(try verdictAt(Self.lagos(26, 7, 45)).handoffMessage == "An agent will reply at 9:00 today.")
        // Wednesday 10:00: open.
        #expect(try verdictAt(Self.lagos(27, 10)).handoffMessage == "Thanks for your patience. An agent will reply shortly.")
        // The workspace's timezone applies unless the config names one: Wednesday 17:30
        // in Lagos is closed there, but 16:30 UTC, open in UTC.
        let utc = #"{"hours": "mon-fri 09:00-17:00", "timezone": "UTC", "message_closed": "at {next_open}"}"#
        #expect(run(try chain(handoff: utc, at: Self.lagos(27, 17, 30)), "agent").verdict.handoffMessage == "Thanks for your patience. An agent will reply shortly.")
    }

    @Test(arguments: [
        // hours, now (Lagos), expected {next_open}
        ("daily 08:00-20:00", SwiftPluginTests.lagos(27, 21), "8:00 tomorrow"),
        ("sun 10:00-11:00", SwiftPluginTests.lagos(25, 12), "10:00 on Sunday"),
        // Only Wednesdays, and this one's window is over: a week ahead, by date.
        ("wed 09:00-10:00", SwiftPluginTests.lagos(27, 11), "9:00 on 3 June"),
        // Ranges of days wrap over the weekend; several ranges in a clause.
        ("fri-mon 09:00-12:00 14:00-16:00", SwiftPluginTests.lagos(29, 12, 30), "14:00 today"),
        ("fri-mon 09:00-12:00", SwiftPluginTests.lagos(31, 13), "9:00 tomorrow"),
        ("mon-fri 09:00-24:00; sat 10:00-14:00", SwiftPluginTests.lagos(29, 8), "9:00 today"),
    ])
    func nextOpeningIsDescribedInTheBusinessTimezone(_ hours: String, _ now: Date, _ expected: String) throws {
        let config = #"{"hours": "\#(hours)", "message_closed": "{next_open}"}"#
        let r = run(try chain(handoff: config, at: now), "human")
        #expect(r.verdict.handoffMessage == expected)
    }

    @Test func handoffStaysSilentWhileAHumanHasTheConversation() throws {
        let c = try chain()
        let r = c.runBlocking(message: TestSupport.message("I want a human", conversation: "h", state: .human))
        #expect(r.verdict == .pass)
    }

    @Test func badHandoffConfigFailsTheLoadWithTheReason() throws {
        for (config, expected) in [
            (#"{"hourz": "mon 09:00-10:00"}"#, "unknown key \"hourz\""),
            (#"{"hours": "mon 18:00-09:00"}"#, "ends before it starts"),
            (#"{"hours": "someday 09:00-10:00"}"#, "is not a day"),
            (#"{"timezone": "Mars/Base"}"#, "is not an IANA timezone"),
        ] {
            do {
                _ = try chain(handoff: config)
                Issue.record("\(config) loaded")
            } catch let e as PluginLoadError {
                #expect(e.code == .createFailed)
                #expect(e.message.contains("failed to start for workspace ws-a"))
                #expect(e.message.contains(expected), "\(e.message)")
            }
        }
    }

    /// `margin` is how far the best entry must lead the runner-up: two entries that
    /// both fit pass by default, and the first listed answers with `margin: 0`.
    @Test func faqMarginDecidesBetweenCloseEntries() throws {
        let entries = #""entries": [{"id": "a", "questions": ["Do you sell sourdough bread?"], "answer": "A"}, {"id": "b", "questions": ["Do you sell sourdough loaves?"], "answer": "B"}]"#
        let h = try host()
        let cautious = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: "{\(entries)}")])
        #expect(run(cautious, "do you sell sourdough").verdict == .pass)
        let eager = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: "{\(entries), \"margin\": 0}")])
        #expect(run(eager, "do you sell sourdough").verdict == .reply(text: "A", buttons: []))
        do {
            _ = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: "{\(entries), \"margin\": 2}")])
            Issue.record("margin 2 loaded")
        } catch let e as PluginLoadError {
            #expect(e.message.contains("margin must be a number between 0 and 1"), "\(e.message)")
        }
    }

    @Test func faqEntriesFromCSVAndJSONFiles() throws {
        let dir = TestSupport.tempDir()
        try """
        id,question,answer
        hours,When are you open?,"We open at 8, close at 7."
        hours,Opening hours?,
        cake,"Do you make ""custom"" cakes?",Yes!
        """.write(toFile: dir + "/faq.csv", atomically: true, encoding: .utf8)
        try #"{"entries": [{"id": "pay", "questions": ["Can I pay by card?"], "answer": "Card or transfer."}]}"#
            .write(toFile: dir + "/faq.json", atomically: true, encoding: .utf8)
        let h = try host()
        let csv = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: #"{"file": "\#(dir)/faq.csv"}"#)])
        #expect(run(csv, "Opening hours?").verdict == .reply(text: "We open at 8, close at 7.", buttons: []))
        #expect(run(csv, #"Do you make "custom" cakes?"#).verdict == .reply(text: "Yes!", buttons: []))
        let json = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: #"{"file": "\#(dir)/faq.json"}"#)])
        #expect(run(json, "Can I pay by card?").verdict == .reply(text: "Card or transfer.", buttons: []))
        do {
            _ = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: #"{"file": "\#(dir)/missing.csv"}"#)])
            Issue.record("missing file loaded")
        } catch let e as PluginLoadError {
            #expect(e.message.contains("cannot read FAQ file \(dir)/missing.csv"))
        }
        do {
            _ = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "faq", configJSON: #"{"entries": [{"id": "x", "answer": "y"}]}"#)])
            Issue.record("entry without questions loaded")
        } catch let e as PluginLoadError {
            #expect(e.message.contains("questions must be a non-empty list"))
        }
    }
}

extension Verdict {
    var handoffMessage: String? {
        if case let .handoff(_, message) = self { return message }
        return nil
    }
}
