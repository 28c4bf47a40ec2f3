import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardConfig

/// A workspace's own channels (`channels:` in its file, what the owner connects in the
/// setup walk): the host's channel schema and checks, routed to that workspace only, ids
/// and numbers unique across the host and every workspace.
@Suite struct WorkspaceChannelsTests {
    func workspace(_ id: String, channels: String) -> (file: String, text: String) {
        ("workspaces/\(id).yaml", "id: \(id)\nname: \(id)\nregion: NG\ntimezone: Africa/Lagos\nchannels:\n" + channels)
    }

    @Test func aWorkspacesOwnChannelJoinsTheHostsRoutedToIt() throws {
        let loaded = try ConfigLoader.parse(host: minimalHost, file: "switchboard.yaml", workspaces: [
            ("workspaces/demo.yaml", demoWorkspace),
            workspace("bakery", channels: """
                  - id: bakery-wa
                    type: whatsapp
                    app: main
                    phone_number_id: "2077"
                    access_token: bakery-token-123
                """),
        ], environment: [:])
        let c = try #require(loaded.host.channels.first { $0.id == "bakery-wa" })
        #expect(loaded.host.channels.map(\.id.rawValue) == ["wa-main", "bakery-wa"])
        #expect(c.workspace == WorkspaceID("bakery"))
        #expect(c.definedBy == WorkspaceID("bakery"))
        #expect(c.phoneNumberID == "2077")
        #expect(loaded.workspaces.first { $0.id == "bakery" }?.channels.map(\.id) == ["bakery-wa"])
        // Its token is redacted from logs like the host's.
        #expect(loaded.secrets.contains("bakery-token-123"))
        // A web chat needs no workspace: key in its owner's file.
        let chat = try ConfigLoader.parse(host: minimalHost, file: "switchboard.yaml", workspaces: [
            ("workspaces/demo.yaml", demoWorkspace), workspace("bakery", channels: "  - {id: bakery-chat, type: webchat}\n"),
        ], environment: [:])
        #expect(chat.host.channels.last?.workspace == WorkspaceID("bakery"))
    }

    @Test func aWorkspaceFileCannotDefineAnotherWorkspacesOrASharedChannel() {
        let errors = failures(host: minimalHost, workspaces: [
            ("workspaces/demo.yaml", demoWorkspace),
            workspace("bakery", channels: """
                  - {id: stolen, type: webchat, workspace: demo}
                  - {id: shared, type: webchat, fallback_workspace: demo}
                """),
        ])
        #expect(errors == [
            "workspaces/bakery.yaml:6:44: error: a workspace file defines only its own channels: 'workspace' must be 'bakery' or left out (a channel of another workspace goes in that workspace's file or the host config)",
            "workspaces/bakery.yaml:7:33: error: 'fallback_workspace' is for shared channels, which only the host config defines",
        ])
    }

    @Test func idsAndNumbersMustNotCollideWithTheHostsOrAnotherWorkspaces() {
        let errors = failures(host: minimalHost, workspaces: [
            ("workspaces/demo.yaml", demoWorkspace),
            workspace("bakery", channels: """
                  - {id: wa-main, type: webchat}
                  - {id: bakery-wa, type: whatsapp, app: main, phone_number_id: "1065", access_token: x}
                """),
            workspace("shop", channels: "  - {id: bakery-wa, type: webchat}\n"),
        ])
        #expect(errors == [
            "workspaces/bakery.yaml:6:10: error: duplicate channel id 'wa-main' (first defined at switchboard.yaml:7:9)",
            "workspaces/bakery.yaml:7:65: error: duplicate phone_number_id '1065' (first defined at switchboard.yaml:10:22)",
            "workspaces/shop.yaml:6:10: error: duplicate channel id 'bakery-wa' (first defined at workspaces/bakery.yaml:7:10)",
        ])
    }

    @Test func theHostsChannelChecksApplyInAWorkspaceFile() {
        let errors = failures(host: minimalHost, workspaces: [
            ("workspaces/demo.yaml", demoWorkspace),
            workspace("bakery", channels: """
                  - id: bakery-wa
                    type: whatsapp
                    app: mian
                    phone_number_id: "2077"
                """),
        ])
        #expect(errors == [
            "workspaces/bakery.yaml:6:5: error: missing required key 'access_token' in 'channels[]' (whatsapp channels need it)",
            "workspaces/bakery.yaml:8:10: error: unknown app 'mian'; did you mean 'main'?",
        ])
    }

    /// The host calls a WhatsApp Web channel's gateway (probes, webhook set-up): a
    /// workspace's own one must use a gateway the operator lists, or a workspace admin
    /// could make the host call any address.
    @Test func aWorkspacesWhatsAppWebSessionUsesOnlyAGatewayTheHostAllows() throws {
        let session = "  - {id: bakery-web, type: whatsapp_web, gateway: evolution, base_url: \"http://10.0.0.7:8081/\", api_key: k3y, instance: bakery, webhook_secret: w}\n"
        let none = failures(host: minimalHost, workspaces: [("workspaces/demo.yaml", demoWorkspace), workspace("bakery", channels: session)])
        #expect(none == [
            "workspaces/bakery.yaml:6:72: error: a workspace's whatsapp_web channel must use a gateway the host allows; 'http://10.0.0.7:8081' is not one: the host lists none in whatsapp_web.workspace_gateways (only the host config defines whatsapp_web channels then)",
        ])
        let other = failures(host: minimalHost + "\nwhatsapp_web:\n  workspace_gateways: [\"http://gw.internal:8081\"]\n",
                             workspaces: [("workspaces/demo.yaml", demoWorkspace), workspace("bakery", channels: session)])
        #expect(other.count == 1 && other[0].contains("whatsapp_web.workspace_gateways allows http://gw.internal:8081"), "\(other)")
        // Listed (a trailing / or not): accepted.
        let loaded = try ConfigLoader.parse(host: minimalHost + "\nwhatsapp_web:\n  workspace_gateways: [\"http://10.0.0.7:8081\"]\n",
                                            file: "switchboard.yaml",
                                            workspaces: [("workspaces/demo.yaml", demoWorkspace), workspace("bakery", channels: session)],
                                            environment: [:])
        #expect(loaded.host.channels.contains { $0.id == "bakery-web" })
        #expect(loaded.host.workspaceGateways == ["http://10.0.0.7:8081"])
    }
}
