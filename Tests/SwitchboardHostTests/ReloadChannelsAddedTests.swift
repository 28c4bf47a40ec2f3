import Foundation
import Testing
import SwitchboardConfig
@testable import SwitchboardHost

/// What a reload says of channels added: WhatsApp Cloud API numbers and WhatsApp Web
/// sessions start live (not in needs_restart, from the host config or a workspace's file);
/// a Telegram bot added and a channel removed wait for the restart.
@Suite struct ReloadChannelsAddedTests {
    static let host = """
        whatsapp:
          apps:
            - {id: main, app_secret: s3cret, verify_token: v3rify}
        whatsapp_web:
          workspace_gateways: ["http://127.0.0.1:9"]
        channels:
          - {id: wa-main, type: whatsapp, app: main, phone_number_id: "1065", access_token: t0ken, workspace: demo}

        """

    func load(_ host: String, demoChannels: String = "") throws -> LoadedConfig {
        let demo = "id: demo\nname: Demo\nregion: NG\ntimezone: Africa/Lagos\n" + (demoChannels.isEmpty ? "" : "channels:\n" + demoChannels)
        return try ConfigLoader.parse(host: host, file: "switchboard.yaml", workspaces: [("workspaces/demo.yaml", demo)], environment: [:])
    }

    @Test func cloudAndWebChannelsAddedStartLiveATelegramBotAndARemovalWaitForTheRestart() throws {
        let before = try load(Self.host)
        let after = try load(Self.host + """
              - {id: wa-two, type: whatsapp, app: main, phone_number_id: "1066", access_token: t0ken, workspace: demo}
              - {id: tg, type: telegram, bot_token: "123456:AAE-abc", mode: polling, workspace: demo}

            """, demoChannels: "  - {id: demo-web, type: whatsapp_web, gateway: evolution, base_url: \"http://127.0.0.1:9\", api_key: k, instance: demo, webhook_secret: w}\n")
        #expect(HostReload.notLive(old: before.host, new: after.host) == ["channels added: tg"])
        let removed = try load(Self.host.replacingOccurrences(of: "wa-main", with: "wa-renamed").replacingOccurrences(of: "1065", with: "1067"))
        #expect(HostReload.notLive(old: before.host, new: removed.host) == ["channels removed: wa-main"])
        // The workspace whose file changed its channels is changed (its audit trail says so).
        let withOwn = try load(Self.host, demoChannels: "  - {id: demo-chat, type: webchat}\n")
        #expect(!HostReload.same(before.workspaces[0], withOwn.workspaces[0]))
    }
}
