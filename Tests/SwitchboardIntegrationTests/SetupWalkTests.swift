import Foundation
import Testing
import SwitchboardTestSupport

/// The setup walk's routes through the real binary: each step an edit of the workspace's
/// own file (comments and other keys kept), applied without a restart, refused whole with
/// the file's errors; "try a question" runs the saved chain and says what a customer
/// would get; progress is kept by the server; admins only; each workspace its own.
@Suite(.serialized) struct SetupWalkTests {
    static let demo = """
        # The bakery's file: this comment stays through the walk's edits.
        id: demo
        name: Demo Bakery
        region: NG
        timezone: Africa/Lagos
        fallback: "Thanks! We will get back to you shortly."
        mark_read: false   # kept too
        """

    static let shop = """
        id: shop
        name: Corner Shop
        region: NG
        timezone: Africa/Lagos
        """

    func token(_ h: PipelineHarness, _ workspace: String, role: String) throws -> [String: String] {
        let r = try runSwitchboard(["token", "create", "--workspace", workspace, "--name", "\(workspace)-\(role)", "--role", role,
                                    "--config", h.host.configPath], cwd: h.host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        return ["Authorization": "Bearer " + (try #require(r.stdout.split(separator: "\n").last.map(String.init))),
                "Content-Type": "application/json"]
    }

    func call(_ h: PipelineHarness, _ method: String, _ path: String, _ auth: [String: String], _ body: Any? = nil) throws
        -> (status: Int, object: [String: Any]) {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let r = try h.host.client.request(method, "/api/v1" + path, headers: auth, body: Array(data))
        return (r.status, (try? r.json() as? [String: Any]) ?? [:])
    }

    @Test func anOwnerWalksThroughAndACustomerIsAnsweredFromTheFAQ() throws {
        let h = try PipelineHarness(workspaces: ["demo": Self.demo, "shop": Self.shop])
        try h.start()
        let owner = try token(h, "demo", role: "owner")
        let file = h.host.dir.appendingPathComponent("workspaces/demo.yaml").path
        let pid = h.host.process.processIdentifier

        var state = try call(h, "GET", "/workspace/setup", owner)
        #expect(state.status == 200)
        #expect(state.object["name"] as? String == "Demo Bakery")
        #expect(state.object["steps"] as? [String] == ["business", "channel", "faq", "handoff", "team"])
        #expect((state.object["progress"] as? [String: Any])?["business"] is NSNull)

        // A wrong time zone is refused with a sentence; the file stays.
        let bad = try call(h, "PUT", "/workspace/setup/business", owner, ["name": "Ada's Bakery", "timezone": "Lagos"])
        #expect(bad.status == 400)
        #expect((bad.object["error"] as? String)?.contains("IANA") == true)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == Self.demo)

        let business = try call(h, "PUT", "/workspace/setup/business", owner, ["name": "Ada's \"Best\" Bakery", "timezone": "Europe/Madrid"])
        #expect(business.status == 200, "\(business.object)")
        var text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("# The bakery's file: this comment stays") && text.contains("mark_read: false   # kept too"))
        #expect(text.contains(#"name: "Ada's \"Best\" Bakery""#) && text.contains(#"timezone: "Europe/Madrid""#))

        // The FAQ: saved into the file, answered by the running host at once.
        let faq = try call(h, "PUT", "/workspace/setup/faq", owner, ["entries": [
            ["questions": ["When are you open?", "opening hours"], "answer": "We open at 8am every day."],
            ["questions": ["Do you deliver?"], "answer": "Yes, across Lagos for 1,500 naira."],
        ]])
        #expect(faq.status == 200, "\(faq.object)")
        text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("- name: faq") && text.contains("We open at 8am every day."))
        let tried = try call(h, "POST", "/workspace/try", owner, ["text": "when are you open"])
        #expect(tried.status == 200)
        #expect(tried.object["verdict"] as? String == "reply")
        #expect(tried.object["text"] as? String == "We open at 8am every day.")
        let unknown = try call(h, "POST", "/workspace/try", owner, ["text": "what is the wifi password of the moon"])
        #expect(unknown.object["verdict"] as? String == "pass")
        #expect(unknown.object["text"] as? String == "Thanks! We will get back to you shortly.")
        #expect(try h.post([h.text("When are you open?", from: "2348035550001")]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in h.replies.contains { $0.to == "2348035550001" } })
        #expect(h.replies.first { $0.to == "2348035550001" }?.text == "We open at 8am every day.")

        // Handoff hours: a wrong spec is refused whole with the plugin's error; the FAQ stays.
        let wrongHours = try call(h, "PUT", "/workspace/setup/handoff", owner, ["hours": "mon-fri 25:00-26:00"])
        #expect(wrongHours.status == 422)
        #expect("\(wrongHours.object["errors"] ?? "")".contains("hours"), "\(wrongHours.object)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        let hours = try call(h, "PUT", "/workspace/setup/handoff", owner, ["hours": "mon-fri 09:00-17:00, sat 10:00-14:00"])
        #expect(hours.status == 200, "\(hours.object)")
        text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("- name: handoff") && text.contains("We open at 8am every day."))

        // Progress is the server's: skipped and done steps come back on the next visit.
        #expect(try call(h, "POST", "/workspace/setup/progress", owner, ["step": "channel", "state": "skipped"]).status == 200)
        #expect(try call(h, "POST", "/workspace/setup/progress", owner, ["step": "nope", "state": "done"]).status == 400)
        state = try call(h, "GET", "/workspace/setup", owner)
        let progress = try #require(state.object["progress"] as? [String: Any])
        #expect(progress["business"] as? String == "done" && progress["faq"] as? String == "done")
        #expect(progress["handoff"] as? String == "done" && progress["channel"] as? String == "skipped")
        #expect(progress["team"] is NSNull)
        #expect(state.object["name"] as? String == "Ada's \"Best\" Bakery")
        #expect(((state.object["faq"] as? [String: Any])?["entries"] as? [Any])?.count == 2)
        #expect((state.object["handoff"] as? [String: Any])?["hours"] as? String == "mon-fri 09:00-17:00, sat 10:00-14:00")

        // Agents may not; another workspace sees and changes only its own file.
        let agent = try token(h, "demo", role: "agent")
        #expect(try call(h, "GET", "/workspace/setup", agent).status == 403)
        #expect(try call(h, "POST", "/workspace/try", agent, ["text": "hi"]).status == 403)
        let shopOwner = try token(h, "shop", role: "owner")
        let shopState = try call(h, "GET", "/workspace/setup", shopOwner)
        #expect(shopState.object["name"] as? String == "Corner Shop")
        #expect((shopState.object["progress"] as? [String: Any])?["business"] is NSNull)
        #expect(((shopState.object["faq"] as? [String: Any])?["entries"] as? [Any])?.isEmpty == true)
        let shopTry = try call(h, "POST", "/workspace/try", shopOwner, ["text": "When are you open?"])
        #expect(shopTry.object["text"] is NSNull)   // shop has no FAQ and no fallback: no answer
        #expect(try call(h, "PUT", "/workspace/setup/business", shopOwner, ["name": "Corner Shop Ltd", "timezone": "Africa/Lagos"]).status == 200)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)

        // A web chat the operator adds by reload shows in the channel step's list at once.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: h.host.configPath))
        handle.seekToEndOfFile()
        handle.write(Data("\n  - id: web-shop\n    type: webchat\n    workspace: shop\n".utf8))
        try handle.close()
        let reload = try runSwitchboard(["reload", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(reload.status == 0, "\(reload.stderr)")
        let channels = try h.host.client.request("GET", "/api/v1/channels", headers: shopOwner, body: [])
        #expect(channels.text.contains(#""id":"web-shop""#) && channels.text.contains(#""type":"webchat""#), "\(channels.text)")
        #expect(!(try h.host.client.request("GET", "/api/v1/channels", headers: owner, body: []).text.contains("web-shop")))

        // The edits survive a restart: they are the file.
        #expect(h.host.process.processIdentifier == pid && h.host.process.isRunning)
        try h.restart()
        let again = try token(h, "demo", role: "admin")
        #expect(try call(h, "POST", "/workspace/try", again, ["text": "do you deliver"]).object["text"] as? String
                == "Yes, across Lagos for 1,500 naira.")
    }
}
