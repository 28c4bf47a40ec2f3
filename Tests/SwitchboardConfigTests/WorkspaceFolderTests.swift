import Foundation
import Testing
@testable import SwitchboardConfig

/// The loader against real files in a temporary folder.
@Suite struct WorkspaceFolderTests {
    func host(dir: String, channels: String = "") -> String {
        """
        workspaces:
          dir: \(dir)
        whatsapp:
          apps:
            - {id: main, app_secret: s, verify_token: v}
        channels:\(channels.isEmpty ? " []" : "\n" + channels)
        """
    }

    func loadFailures(_ tmp: TempDir, path: String = "switchboard.yaml") -> [String] {
        do {
            _ = try ConfigLoader.load(path: path, environment: [:], workingDirectory: tmp.path)
            Issue.record("expected the config to be refused")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func workspaceFilesAreReadInNameOrderRelativeToTheWorkingDirectory() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        try tmp.write("switchboard.yaml", host(dir: "ws"))
        try tmp.write("ws/zoo.yaml", "id: zoo\nname: Zoo\nregion: KE\ntimezone: Africa/Nairobi\n")
        try tmp.write("ws/bakery.yml", "id: bakery\nname: Bakery\nregion: NG\ntimezone: Africa/Lagos\n")
        try tmp.write("ws/notes.txt", "not a workspace")
        try tmp.write("ws/.hidden.yaml", "garbage: [")
        let loaded = try ConfigLoader.load(path: "switchboard.yaml", environment: [:], workingDirectory: tmp.path)
        #expect(loaded.workspaces.map(\.id.rawValue) == ["bakery", "zoo"])
        #expect(loaded.workspaces.map(\.file) == ["ws/bakery.yml", "ws/zoo.yaml"])
    }

    @Test func aMissingWorkspacesFolderIsAnErrorAtWorkspacesDir() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        // The channel's workspace is not reported unknown: the folder's error says enough.
        try tmp.write("switchboard.yaml", host(dir: "nope", channels: "  - {id: chat, type: webchat, workspace: demo}"))
        #expect(loadFailures(tmp) == [
            "switchboard.yaml:2:8: error: workspaces folder 'nope' does not exist (relative to the working directory)",
        ])
    }

    @Test func duplicateWorkspaceIdsAcrossFilesAreErrors() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        try tmp.write("switchboard.yaml", host(dir: tmp.path + "/ws"))
        try tmp.write("ws/demo.yaml", "id: demo\nname: A\nregion: NG\ntimezone: UTC\n")
        try tmp.write("ws/demo.yml", "# the same business, twice\nid: demo\nname: B\nregion: NG\ntimezone: UTC\n")
        #expect(loadFailures(tmp) == [
            "\(tmp.path)/ws/demo.yml:2:5: error: duplicate workspace id 'demo' (first defined at \(tmp.path)/ws/demo.yaml:1:5)",
        ])
    }

    @Test func twoWorkspacesClaimingASenderOnASharedChannelAreAnError() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let shared = """
              - id: wa-shared
                type: whatsapp
                app: main
                phone_number_id: "42"
                access_token: t
                fallback_workspace: a
            """
        try tmp.write("switchboard.yaml", host(dir: "ws", channels: shared))
        try tmp.write("ws/a.yaml", "id: a\nname: A\nregion: NG\ntimezone: UTC\nsenders: [\"+2348031234567\"]\n")
        try tmp.write("ws/b.yaml", "id: b\nname: B\nregion: NG\ntimezone: UTC\nsenders:\n  - \"+234 803 123 4567\"\n")
        #expect(loadFailures(tmp) == [
            "ws/b.yaml:6:5: error: sender '+2348031234567' is also claimed by workspace 'a' (ws/a.yaml:5:11); shared channel 'wa-shared' cannot tell which workspace it belongs to",
        ])

        // With the channel owned by a workspace, sender lists route nothing: no conflict.
        try tmp.write("switchboard.yaml", host(dir: "ws", channels: shared.replacingOccurrences(of: "fallback_workspace", with: "workspace")))
        let loaded = try ConfigLoader.load(path: "switchboard.yaml", environment: [:], workingDirectory: tmp.path)
        #expect(loaded.workspaces.map(\.senders) == [["+2348031234567"], ["+2348031234567"]])
    }

    @Test func problemsInEveryFileAreReportedTogetherInFileOrder() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let channel = """
              - id: wa-1
                type: whatsapp
                app: main
                phone_number_id: "42"
                access_token: ${TOKEN}
                workspace: shop
            """
        try tmp.write("switchboard.yaml", host(dir: "ws", channels: channel))
        try tmp.write("ws/shop.yaml", "id: shop\nname: Shop\nregion: NG\ntimezone: Mars/Base\ncolour: red\n")
        try tmp.write("ws/broken.yaml", "id: broken\nname: [\n")
        #expect(loadFailures(tmp) == [
            "switchboard.yaml:11:19: error: environment variable 'TOKEN' is not set; set it or give a default with '${TOKEN:-default}'",
            "ws/broken.yaml:3:1: error: invalid YAML: did not find expected node content (while parsing a flow node at line 3, column 1)",
            "ws/shop.yaml:4:11: error: unknown time zone 'Mars/Base'; expected an IANA name such as 'Africa/Lagos' or 'Europe/London'",
            "ws/shop.yaml:5:1: error: unknown key 'colour'; known keys: id, name, region, timezone, senders, fallback, mark_read, debounce_ms, chat_language, media_retention_days, plugins, channels, retention_days",
        ])
    }

    @Test func anUnreadableConfigPathIsAPlainError() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        try FileManager.default.createDirectory(atPath: tmp.path + "/conf.yaml", withIntermediateDirectories: true)
        #expect(loadFailures(tmp, path: "conf.yaml") == ["conf.yaml: error: is a folder, not a config file"])
        #expect(loadFailures(tmp, path: "missing.yaml") == ["missing.yaml: error: config file not found"])
    }

    @Test func anEmptyWorkspacesFolderIsAWarning() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        try tmp.write("switchboard.yaml", host(dir: "ws"))
        try FileManager.default.createDirectory(atPath: tmp.path + "/ws", withIntermediateDirectories: true)
        let loaded = try ConfigLoader.load(path: "switchboard.yaml", environment: [:], workingDirectory: tmp.path)
        #expect(loaded.warnings.map(\.description) == ["switchboard.yaml:2:8: warning: no workspace files (*.yaml) in 'ws'"])
    }
}
