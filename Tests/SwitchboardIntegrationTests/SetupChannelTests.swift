import Foundation
import Testing
import SwitchboardTestSupport

/// The setup walk's channel step through the real binary: a workspace's owner connects
/// a WhatsApp Cloud API number (checked with the Graph API first), written to the
/// workspace's own file and started by the reload, so its first customer is answered
/// without a restart; a token Meta refuses is refused with Meta's error and nothing is
/// written; agents may not; another workspace neither sees nor changes it.
@Suite(.serialized) struct SetupChannelTests {
    static let newNumber = "106540352242999"

    @Test func anOwnerConnectsACloudAPINumberAndItsFirstCustomerIsAnsweredWithoutARestart() throws {
        let h = try PipelineHarness(workspaces: ["demo": SetupWalkTests.demo, "shop": SetupWalkTests.shop])
        try h.start()
        h.graph.addPhoneNumber(Self.newNumber)
        let walk = SetupWalkTests()
        let owner = try walk.token(h, "demo", role: "owner")
        let file = h.host.dir.appendingPathComponent("workspaces/demo.yaml").path
        #expect(chmod(file, 0o640) == 0)
        let pid = h.host.process.processIdentifier
        let before = try String(contentsOfFile: file, encoding: .utf8)

        // Meta refuses the token: its error is shown, nothing is written or started.
        let refused = try walk.call(h, "POST", "/workspace/setup/channels", owner, [
            "type": "whatsapp", "phone_number_id": Self.newNumber, "access_token": "EAAG-revoked-token-1234"])
        #expect(refused.status == 422, "\(refused.object)")
        #expect(refused.object["code"] as? String == "provider_refused")
        let why = refused.object["error"] as? String ?? ""
        #expect(why.contains("refused the access token") && why.contains("Invalid OAuth access token") && why.contains("190"), "\(why)")
        #expect(!why.contains("EAAG-revoked-token-1234"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
        #expect(!FileManager.default.fileExists(atPath: file + ".prev"))

        // A number the token may not use: Graph's error 100, nothing written.
        let unknown = try walk.call(h, "POST", "/workspace/setup/channels", owner, [
            "type": "whatsapp", "phone_number_id": "999", "access_token": PipelineHarness.accessToken])
        #expect(unknown.status == 422 && (unknown.object["error"] as? String)?.contains("does not know phone number id 999") == true,
                "\(unknown.object)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == before)

        // Agents may not connect a channel (nor see the own channels).
        let agent = try walk.token(h, "demo", role: "agent")
        #expect(try walk.call(h, "POST", "/workspace/setup/channels", agent, [
            "type": "whatsapp", "phone_number_id": Self.newNumber, "access_token": PipelineHarness.accessToken]).status == 403)
        #expect(try walk.call(h, "GET", "/workspace/setup/channels", agent).status == 403)

        // A good token: written to the workspace's file, started by the reload.
        h.graph.setTemplates([FakeTemplate(name: "order_ready", language: "en_US", body: "Hi {{1}}, your order is ready.")], waba: "102290129340777")
        let connected = try walk.call(h, "POST", "/workspace/setup/channels", owner, [
            "type": "whatsapp", "phone_number_id": Self.newNumber, "access_token": PipelineHarness.accessToken,
            "waba_id": "102290129340777"])
        #expect(connected.status == 201, "\(connected.object)")
        let channel = try #require(connected.object["channel"] as? [String: Any])
        #expect(channel["id"] as? String == "demo-whatsapp" && channel["app"] as? String == "main")
        #expect(channel["access_token"] as? String == "••••n-77")   // masked: never echoed
        #expect(((connected.object["reload"] as? [String: Any])?["channels_started"] as? [String]) == ["demo-whatsapp"])
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.hasPrefix(before) || written.contains("# The bakery's file: this comment stays"))
        #expect(written.contains("channels:") && written.contains("phone_number_id: \"\(Self.newNumber)\""))
        #expect(try String(contentsOfFile: file + ".prev", encoding: .utf8) == before)
        var st = stat()
        #expect(stat(file, &st) == 0 && st.st_mode & 0o777 == 0o640)
        #expect(stat(file + ".prev", &st) == 0 && st.st_mode & 0o777 == 0o640)
        let listed = try walk.call(h, "GET", "/workspace/setup/channels", owner)
        #expect("\(listed.object)".contains("demo-whatsapp") && !"\(listed.object)".contains(PipelineHarness.accessToken))
        let audit = try h.host.client.request("GET", "/api/v1/audit", headers: owner, body: [])
        #expect(audit.text.contains("channel_connected") && audit.text.contains("demo-owner"), "\(audit.text)")
        #expect(!audit.text.contains(PipelineHarness.accessToken))

        // The file as the API shows it: the token masked; written back masked, it is kept.
        let shown = try h.host.client.request("GET", "/api/v1/workspace/config", headers: owner, body: [])
        #expect(shown.status == 200 && shown.text.contains("access_token: \"••••n-77\""), "\(shown.text)")
        #expect(!shown.text.contains(PipelineHarness.accessToken))
        let rewritten = try h.host.client.request("PUT", "/api/v1/workspace/config", headers: owner,
                                                  body: Array(shown.text.replacingOccurrences(of: "Demo Bakery", with: "Demo Bakery Ltd").utf8))
        #expect(rewritten.status == 200, "\(rewritten.text)")
        #expect(!rewritten.text.contains("credentials replaced"), "\(rewritten.text)")
        let kept = try String(contentsOfFile: file, encoding: .utf8)
        #expect(kept.contains("access_token: \"\(PipelineHarness.accessToken)\"") && kept.contains("Demo Bakery Ltd"))
        let text = kept

        // A customer writes to the new number: received and answered on it, same process.
        #expect(try h.post([h.text("Hello, are you open?", from: "2348035550777")], phoneNumberID: Self.newNumber).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in h.replies.contains { $0.json["to"] as? String == "2348035550777" } })
        let reply = try #require(h.replies.first { $0.json["to"] as? String == "2348035550777" })
        #expect(reply.phoneNumberID == Self.newNumber)
        #expect(h.host.process.processIdentifier == pid && h.host.process.isRunning)
        let channels = try h.host.client.request("GET", "/api/v1/channels", headers: owner, body: [])
        #expect(channels.text.contains(#""id":"demo-whatsapp""#), "\(channels.text)")

        let items = (try? h.host.client.request("GET", "/api/v1/conversations", headers: agent, body: []).json() as? [String: Any])?["items"]
            as? [[String: Any]] ?? []
        let conversation = try #require(items.first { $0["channel"] as? String == "demo-whatsapp" }?["id"] as? String, "\(items)")
        // Its business account's message templates were read when it started.
        var templates = ""
        for _ in 0..<500 where !templates.contains("order_ready") {
            templates = try h.host.client.request("GET", "/api/v1/conversations/\(conversation)/templates", headers: agent, body: []).text
            usleep(10_000)
        }
        #expect(templates.contains("order_ready"), "\(templates)")

        // An agent attaches a file in that conversation: sent as the Cloud API's media, from the new number.
        let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<2_000).map { UInt8(32 + $0 % 90) }
        let attached = try h.host.client.post("/api/v1/conversations/\(conversation)/attachments?filename=menu.pdf", body: pdf,
                                              headers: ["Authorization": agent["Authorization"]!, "Content-Type": "application/pdf"])
        #expect(attached.status == 202, "\(attached.text)")
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in
            h.replies.contains { $0.phoneNumberID == Self.newNumber && $0.json["type"] as? String == "document" } })

        // Another workspace neither sees nor changes it; its own id may not collide.
        let shopOwner = try walk.token(h, "shop", role: "owner")
        let shopList = try walk.call(h, "GET", "/workspace/setup/channels", shopOwner)
        #expect(shopList.status == 200 && (shopList.object["channels"] as? [Any])?.isEmpty == true)
        #expect(try walk.call(h, "DELETE", "/workspace/setup/channels/demo-whatsapp", shopOwner).status == 404)
        #expect(!(try h.host.client.request("GET", "/api/v1/channels", headers: shopOwner, body: []).text.contains("demo-whatsapp")))
        let clash = try walk.call(h, "POST", "/workspace/setup/channels", shopOwner, [
            "type": "whatsapp", "id": "demo-whatsapp", "phone_number_id": Self.newNumber, "access_token": PipelineHarness.accessToken])
        #expect(clash.status == 422)
        let clashErrors = (clash.object["errors"] as? [String] ?? []).joined(separator: "\n")
        #expect(clashErrors.contains("workspaces/shop.yaml:6:9: error: duplicate channel id 'demo-whatsapp' (first defined at ")
                && clashErrors.contains("workspaces/demo.yaml:9:9)"), "\(clashErrors)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)

        // The shop's owner creates its web chat: taken at once; a second one is refused.
        let chat = try walk.call(h, "POST", "/workspace/setup/channels", shopOwner, ["type": "webchat"])
        #expect(chat.status == 201 && (chat.object["channel"] as? [String: Any])?["id"] as? String == "shop-chat", "\(chat.object)")
        #expect(try h.host.client.request("GET", "/api/v1/channels", headers: shopOwner, body: []).text.contains(#""id":"shop-chat""#))
        let visitor = try h.host.client.post("/chat/shop/messages", body: Array(#"{"visitor":"visitor-0001-abcd","text":"hello"}"#.utf8),
                                             headers: ["Content-Type": "application/json"])
        #expect(visitor.status == 202 || visitor.status == 200, "\(visitor.status) \(visitor.text)")
        #expect(try walk.call(h, "POST", "/workspace/setup/channels", shopOwner, ["type": "webchat"]).status == 409)

        // The channel survives a restart: it is the file.
        try h.restart()
        h.graph.addPhoneNumber(Self.newNumber)
        #expect(try h.post([h.text("Still there?", from: "2348035550778")], phoneNumberID: Self.newNumber).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in h.replies.contains { $0.json["to"] as? String == "2348035550778" } })
    }

    /// An admin starts a WhatsApp Web pairing: a wrong gateway key is refused with nothing
    /// written; the right one is written and the session starts at once: the QR code shows
    /// in the channel list, and once scanned a customer's message is answered, all
    /// without a restart.
    @Test func anAdminStartsAWhatsAppWebPairingAndTheScannedNumberIsAnswered() throws {
        let gateway = try FakeEvolutionAPI(apiKey: "evo-shop-key-5521", instance: "demo-phone")
        gateway.setConnectionState("close", reason: 401)
        gateway.setConnectBehaviour(.showsQR)
        let h = try PipelineHarness(workspaces: ["demo": SetupWalkTests.demo, "shop": SetupWalkTests.shop],
                                    extraHostYAML: "whatsapp_web:\n  workspace_gateways: [\"\(gateway.baseURL)\"]")
        try h.start()
        let walk = SetupWalkTests()
        let admin = try walk.token(h, "demo", role: "admin")
        let file = h.host.dir.appendingPathComponent("workspaces/demo.yaml").path
        let before = try String(contentsOfFile: file, encoding: .utf8)

        // Only a gateway the operator lists is called: another address is refused first.
        let elsewhere = try FakeEvolutionAPI(apiKey: "evo-shop-key-5521", instance: "demo-phone")
        let refused = try walk.call(h, "POST", "/workspace/setup/channels", admin, [
            "type": "whatsapp_web", "base_url": elsewhere.baseURL, "api_key": "evo-shop-key-5521", "instance": "demo-phone"])
        #expect(refused.status == 422 && refused.object["code"] as? String == "gateway_not_allowed", "\(refused.object)")
        #expect((refused.object["error"] as? String)?.contains(gateway.baseURL) == true, "\(refused.object)")
        #expect(elsewhere.requests.isEmpty, "the host called a gateway it does not allow")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
        let listed0 = try walk.call(h, "GET", "/workspace/setup/channels", admin, nil)
        #expect(listed0.object["gateways"] as? [String] == [gateway.baseURL])

        let wrong = try walk.call(h, "POST", "/workspace/setup/channels", admin, [
            "type": "whatsapp_web", "base_url": gateway.baseURL, "api_key": "not-the-key", "instance": "demo-phone"])
        #expect(wrong.status == 422 && wrong.object["code"] as? String == "provider_refused", "\(wrong.object)")
        #expect((wrong.object["error"] as? String)?.contains("the gateway refused the API key") == true, "\(wrong.object)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
        #expect(gateway.webhook == nil)

        let paired = try walk.call(h, "POST", "/workspace/setup/channels", admin, [
            "type": "whatsapp_web", "base_url": gateway.baseURL, "api_key": "evo-shop-key-5521", "instance": "demo-phone"])
        #expect(paired.status == 201, "\(paired.object)")
        let channel = try #require(paired.object["channel"] as? [String: Any])
        #expect(channel["id"] as? String == "demo-wa-web" && channel["api_key"] as? String == "••••5521")
        #expect(((paired.object["reload"] as? [String: Any])?["channels_started"] as? [String]) == ["demo-wa-web"])
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("webhook_secret:"))

        // The session starts: the QR code to scan is in the channel list.
        try h.host.waitForLog(timeout: 30) {
            $0["message"] as? String == "channel state changed" && $0["to"] as? String == "needs_pairing" && $0["channel"] as? String == "demo-wa-web"
        }
        let listed = try h.host.client.request("GET", "/api/v1/channels", headers: admin, body: [])
        let list = (try? JSONSerialization.jsonObject(with: Data(listed.body)) as? [String: Any])?["channels"] as? [[String: Any]] ?? []
        let web = try #require(list.first { $0["id"] as? String == "demo-wa-web" }, "\(listed.text)")
        let pairing = try #require(web["pairing"] as? [String: Any], "\(web)")
        #expect((pairing["qr_code"] as? String)?.hasPrefix("2@fakeQR") == true)
        #expect((pairing["qr_image"] as? String)?.hasPrefix("data:image/png;base64,") == true)
        let hook = try #require(gateway.webhook)
        #expect(hook.url == "http://127.0.0.1:\(h.host.port)/webhooks/evolution/demo-wa-web")

        // Scanned: a customer's message to the number is answered through the gateway.
        #expect(gateway.announceConnection("open")?.status == 200)
        try h.host.waitForLog(timeout: 30) {
            $0["message"] as? String == "channel state changed" && $0["to"] as? String == "connected" && $0["channel"] as? String == "demo-wa-web"
        }
        #expect(gateway.postMessage(EvolutionHarness.text("hola, ¿abren hoy?"))?.status == 200)
        #expect(gateway.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 1 })
        #expect(gateway.acceptedSends.first?.text == "Thanks! We will get back to you shortly.")
    }
}
