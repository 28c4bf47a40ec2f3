import Testing
@testable import SwitchboardConfig

@Suite struct WorkspaceConfigTests {
    func workspaceFailures(_ text: String, file: String = "ws/demo.yaml",
                           regionValidator: @escaping ConfigLoader.RegionValidator = ConfigLoader.twoLetterRegion,
                           senderNormalizer: @escaping ConfigLoader.SenderNormalizer = ConfigLoader.basicE164) -> [String] {
        do {
            _ = try ConfigLoader.parseWorkspace(text, file: file, regionValidator: regionValidator, senderNormalizer: senderNormalizer)
            Issue.record("expected the workspace to be refused")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func aCompleteWorkspaceIsRead() throws {
        let text = """
            id: bakery
            name: Mama Titi Bakery
            region: NG
            timezone: Africa/Lagos
            senders: ["+234 803 123 4567", "+2348031234568"]
            fallback: "Thanks! We will get back to you shortly."
            mark_read: true
            plugins:
              - name: faq
                file: /opt/plugins/libfaq.so
                deadline_ms: 500
              - name: handoff
                config:
                  keywords: ["human"]
            """
        let w = try ConfigLoader.parseWorkspace(text, file: "ws/bakery.yaml")
        #expect(w.id.rawValue == "bakery" && w.name == "Mama Titi Bakery" && w.region == "NG")
        #expect(w.timeZone.identifier == "Africa/Lagos")
        #expect(w.rawSenders == ["+234 803 123 4567", "+2348031234568"])
        #expect(w.senders == ["+2348031234567", "+2348031234568"])
        #expect(w.fallback == "Thanks! We will get back to you shortly." && w.markRead)
        #expect(w.plugins == [
            PluginConfig(name: "faq", file: "/opt/plugins/libfaq.so", deadlineMilliseconds: 500, configJSON: "{}"),
            PluginConfig(name: "handoff", file: nil, deadlineMilliseconds: 2000, configJSON: #"{"keywords":["human"]}"#),
        ])
        // `fallback:` with nothing after it leaves the optional key unset.
        let minimal = try ConfigLoader.parseWorkspace("id: demo\nname: D\nregion: KE\ntimezone: UTC\nfallback:\n", file: "demo.yml")
        #expect(minimal.senders.isEmpty && minimal.fallback == nil && !minimal.markRead && minimal.plugins.isEmpty)
    }

    @Test func missingRequiredKeysAreReportedAtTheTopMapping() {
        #expect(workspaceFailures("id: demo\nname: Demo\n") == [
            "ws/demo.yaml:1:1: error: missing required key 'region'",
            "ws/demo.yaml:1:1: error: missing required key 'timezone'",
        ])
    }

    @Test func badRegionAndTimezoneAreReportedAtTheirValues() {
        let text = "id: demo\nname: Demo\nregion: ng\ntimezone: Africa/Lagoss\n"
        #expect(workspaceFailures(text) == [
            "ws/demo.yaml:3:9: error: unknown region 'ng'; expected an ISO 3166 alpha-2 code that phone numbers support, such as 'NG' or 'GB'",
            "ws/demo.yaml:4:11: error: unknown time zone 'Africa/Lagoss'; expected an IANA name such as 'Africa/Lagos' or 'Europe/London'",
        ])
    }

    @Test func theCallersRegionValidatorDecides() {
        let text = "id: demo\nname: Demo\nregion: XX\ntimezone: UTC\n"
        #expect(workspaceFailures(text, regionValidator: { ["NG", "KE"].contains($0) }) == [
            "ws/demo.yaml:3:9: error: unknown region 'XX'; expected an ISO 3166 alpha-2 code that phone numbers support, such as 'NG' or 'GB'",
        ])
    }

    @Test func invalidSendersAreReportedAtTheirOwnNode() {
        let text = """
            id: demo
            name: Demo
            region: NG
            timezone: Africa/Lagos
            senders:
              - "+2348031234567"
              - "0803 123 4567"
              - call me
            """
        #expect(workspaceFailures(text) == [
            "ws/demo.yaml:7:5: error: invalid sender '0803 123 4567': write it in international form, starting with '+'",
            "ws/demo.yaml:8:5: error: invalid sender 'call me': write it in international form, starting with '+'",
        ])
    }

    @Test func theCallersNormalizerGetsTheRegion() throws {
        struct NotANumber: Error, CustomStringConvertible { var description: String { "not a number for NG" } }
        let normalizer: ConfigLoader.SenderNormalizer = { raw, region in
            raw.hasPrefix("0") && region == "NG" ? .success("+234" + raw.dropFirst()) : .failure(NotANumber())
        }
        let text = "id: demo\nname: Demo\nregion: NG\ntimezone: UTC\nsenders: [\"08031234567\", x]\n"
        #expect(workspaceFailures(text, senderNormalizer: normalizer) == [
            "ws/demo.yaml:5:26: error: invalid sender 'x': not a number for NG",
        ])
        let ok = try ConfigLoader.parseWorkspace("id: demo\nname: D\nregion: NG\ntimezone: UTC\nsenders: [\"08031234567\"]\n",
                                                 file: "demo.yaml", senderNormalizer: normalizer)
        #expect(ok.senders == ["+2348031234567"] && ok.rawSenders == ["08031234567"])
    }

    @Test func theIdMustBeValidAndMatchTheFileName() {
        #expect(workspaceFailures("id: bakery\nname: B\nregion: NG\ntimezone: UTC\n") == [
            "ws/demo.yaml:1:5: error: workspace id 'bakery' does not match the file name 'demo.yaml'; name the file 'bakery.yaml' or change the id",
        ])
        #expect(workspaceFailures("id: Demo Shop\nname: B\nregion: NG\ntimezone: UTC\n", file: "Demo Shop.yaml") == [
            "Demo Shop.yaml:1:5: error: 'id' must be an id of lower-case letters, digits, '-' and '_' (at most 64), got 'Demo Shop'",
        ])
    }

    @Test func pluginEntriesAreChecked() {
        let text = """
            id: demo
            name: Demo
            region: NG
            timezone: UTC
            mark_read: yes
            plugins:
              - nmae: faq
              - name: faq
                deadline_ms: 0
              - faq
            """
        #expect(workspaceFailures(text) == [
            "ws/demo.yaml:5:12: error: expected true or false for 'mark_read', got 'yes'",
            "ws/demo.yaml:7:5: error: unknown key 'nmae' in 'plugins[]'; did you mean 'name'?",
            "ws/demo.yaml:7:5: error: missing required key 'name' in 'plugins[]'",
            "ws/demo.yaml:9:18: error: 'deadline_ms' must be from 1 to 600000, got 0",
            "ws/demo.yaml:10:5: error: expected a mapping in 'plugins', got 'faq'",
        ])
    }
}

@Suite struct ChatLanguageConfigTests {
    static let base = """
        id: tienda
        name: Tienda
        region: ES
        timezone: Europe/Madrid

        """

    @Test func aWorkspaceMayFixItsChatsLanguage() throws {
        #expect(try ConfigLoader.parseWorkspace(Self.base + "chat_language: es\n", file: "ws/tienda.yaml").chatLanguage == "es")
        #expect(try ConfigLoader.parseWorkspace(Self.base, file: "ws/tienda.yaml").chatLanguage == nil)
    }

    @Test func aLanguageWithoutACatalogueIsRefused() {
        do {
            _ = try ConfigLoader.parseWorkspace(Self.base + "chat_language: fr\n", file: "ws/tienda.yaml")
            Issue.record("fr was accepted")
        } catch {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(text.contains("ws/tienda.yaml:5:"), "\(text)")
            #expect(text.contains("en | es") || (text.contains("en") && text.contains("es")), "\(text)")
        }
    }
}
