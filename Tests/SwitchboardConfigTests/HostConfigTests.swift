import Testing
@testable import SwitchboardConfig

@Suite struct HostConfigTests {
    let demo = [(file: "workspaces/demo.yaml", text: demoWorkspace)]

    @Test func unknownKeysSuggestTheClosestKnownKey() {
        let text = """
            server:
              lisen: 127.0.0.1:8080
            strage:
              sqlite: a.db
            bogus: 1
            """
        #expect(failures(host: text) == [
            "switchboard.yaml:2:3: error: unknown key 'lisen' in 'server'; did you mean 'listen'?",
            "switchboard.yaml:3:1: error: unknown key 'strage'; did you mean 'storage'?",
            "switchboard.yaml:5:1: error: unknown key 'bogus'; known keys: server, storage, log, plugins, workspaces, whatsapp, whatsapp_web, channels, outbox, webchat, media",
        ])
    }

    @Test func wrongTypesNameTheKeyAndWhatWasFound() {
        let text = """
            server:
              max_body_bytes: abc
            plugins:
              path: /usr/lib/switchboard
            log: verbose
            whatsapp:
              apps: {id: main}
            """
        #expect(failures(host: text) == [
            "switchboard.yaml:2:19: error: expected a number for 'max_body_bytes', got 'abc'",
            "switchboard.yaml:4:9: error: expected a list for 'path', got '/usr/lib/switchboard'",
            "switchboard.yaml:5:6: error: expected a mapping for 'log', got 'verbose'",
            "switchboard.yaml:7:9: error: expected a list for 'whatsapp.apps', got a mapping",
        ])
    }

    @Test(arguments: [
        ("localhost:99999", "port must be a number from 0 to 65535, got '99999' in 'localhost:99999'"),
        ("127.0.0.1", "expected host:port (an IPv4 address, an IPv6 address in brackets, or localhost), got '127.0.0.1'"),
        ("example.com:80", "expected host:port (an IPv4 address, an IPv6 address in brackets, or localhost), got 'example.com:80'"),
        ("::1:8080", "an IPv6 address needs brackets: '[::1]:8080'"),
        ("'[fe80::zz]:80'", "'fe80::zz' is not an IPv6 address in '[fe80::zz]:80'"),
        ("127.0.0.1:http", "port must be a number from 0 to 65535, got 'http' in '127.0.0.1:http'"),
        ("256.1.1.1:80", "expected host:port (an IPv4 address, an IPv6 address in brackets, or localhost), got '256.1.1.1:80'"),
    ])
    func badListenAddresses(listen: String, message: String) {
        #expect(failures(host: "server:\n  listen: \(listen)\n") == ["switchboard.yaml:2:11: error: " + message])
    }

    @Test func goodListenAddressesIncludingPortZeroAndIPv6() throws {
        for (text, expected, loopback) in [("127.0.0.1:0", "127.0.0.1:0", true), ("'[::1]:8080'", "[::1]:8080", true),
                                           ("localhost:65535", "localhost:65535", true), ("'[::]:80'", "[::]:80", false)] {
            let loaded = try ConfigLoader.parse(host: "server:\n  listen: \(text)\n")
            #expect(loaded.host.server.listen.description == expected)
            #expect(loaded.host.server.listen.isLoopback == loopback)
        }
    }

    @Test func listeningBeyondLoopbackIsAWarning() throws {
        let loaded = try ConfigLoader.parse(host: "server:\n  listen: 0.0.0.0:8080\n")
        #expect(loaded.warnings.map(\.description) == [
            "switchboard.yaml:2:11: warning: listening on 0.0.0.0:8080 makes the server reachable from the network; unless that is meant, use 127.0.0.1 and put a TLS proxy in front",
        ])
        #expect(loaded.warnings.first?.severity == .warning)
    }

    @Test func warningsAreShownBesideErrors() {
        #expect(failures(host: "server:\n  listen: 0.0.0.0:8080\n  max_body_bytes: 0\n") == [
            "switchboard.yaml:2:11: warning: listening on 0.0.0.0:8080 makes the server reachable from the network; unless that is meant, use 127.0.0.1 and put a TLS proxy in front",
            "switchboard.yaml:3:19: error: 'max_body_bytes' must be from 1 to 1073741824, got 0",
        ])
    }

    @Test func storageTakesSqliteOrPostgresNotBoth() throws {
        #expect(failures(host: "storage:\n  sqlite: a.db\n  postgres: postgres://u@h/db\n") == [
            "switchboard.yaml:2:3: error: set either 'sqlite' or 'postgres' in 'storage', not both",
        ])
        #expect(try ConfigLoader.parse(host: "storage:\n  postgres: postgres://u@h/db\n").host.storage == .postgres(url: "postgres://u@h/db"))
        #expect(try ConfigLoader.parse(host: "storage:\n  postgres: postgres://u@h/db\n  postgres_pool_size: 20\n").host.storage
                == .postgres(url: "postgres://u@h/db", poolSize: 20))
        #expect(try ConfigLoader.parse(host: "storage:\n  postgres: postgres://u:pw-123@h/db\n").secrets == ["pw-123"])
        #expect(try ConfigLoader.parse(host: "storage: {}\n").host.storage == .sqlite(path: "data/switchboard.db"))
        #expect(failures(host: "storage:\n  postgres: mysql://h/db\n") == [
            "switchboard.yaml:2:13: error: 'postgres' must be a postgres:// or postgresql:// URL, got 'mysql://h/db'",
        ])
    }

    @Test func heartbeatAndHostLeaseAreReadAndChecked() throws {
        let defaults = try ConfigLoader.parse(host: "storage:\n  postgres: postgres://u@h/db\n")
        #expect(defaults.host.heartbeatSeconds == 5 && defaults.host.hostLeaseSeconds == 15)
        let short = try ConfigLoader.parse(host: "storage:\n  postgres: postgres://u@h/db\n  heartbeat_seconds: 1\n  host_lease_seconds: 3\n")
        #expect(short.host.heartbeatSeconds == 1 && short.host.hostLeaseSeconds == 3)
        #expect(short.warnings.isEmpty)
        #expect(failures(host: "storage:\n  postgres: postgres://u@h/db\n  heartbeat_seconds: 20\n") == [
            "switchboard.yaml:3:22: error: 'host_lease_seconds' (15) must be more than 'heartbeat_seconds' (20): a host renews its leases once a beat, so a lease no longer than a beat runs out between two and the hosts take each other's work",
        ])
        #expect(failures(host: "storage:\n  host_lease_seconds: 5\n  heartbeat_seconds: 5\n") == [
            "switchboard.yaml:2:23: error: 'host_lease_seconds' (5) must be more than 'heartbeat_seconds' (5): a host renews its leases once a beat, so a lease no longer than a beat runs out between two and the hosts take each other's work",
        ])
        #expect(failures(host: "storage:\n  heartbeat_seconds: 0\n  host_lease_seconds: 1\n") == [
            "switchboard.yaml:2:22: error: 'heartbeat_seconds' must be from 1 to 30, got 0",
            "switchboard.yaml:3:23: error: 'host_lease_seconds' must be from 2 to 3600, got 1",
        ])
        let close = try ConfigLoader.parse(host: "storage:\n  heartbeat_seconds: 5\n  host_lease_seconds: 8\n")
        #expect(close.warnings.map(\.description) == [
            "switchboard.yaml:3:23: warning: 'host_lease_seconds' (8) is less than two heartbeats (5 s each): one late beat makes a live host count as dead and lose its work; 3 beats is the default",
        ])
    }

    @Test func logKeysAreCheckedWithSuggestions() throws {
        #expect(failures(host: "log:\n  level: inf\n  format: yaml\n") == [
            "switchboard.yaml:2:10: error: 'level' must be one of debug, info, warn, error; got 'inf'; did you mean 'info'?",
            "switchboard.yaml:3:11: error: 'format' must be one of json, text; got 'yaml'",
        ])
        let log = try ConfigLoader.parse(host: "log:\n  level: debug\n  format: text\n  file: logs/s.log\n").host.log
        #expect(log.level == .debug && log.format == .text && log.file == "logs/s.log")
    }

    @Test func missingRequiredKeysAreReportedAtTheirMapping() {
        let text = """
            whatsapp:
              apps:
                - id: main
                  verify_token: v
            channels:
              - type: whatsapp
                app: main
            """
        #expect(failures(host: text) == [
            "switchboard.yaml:3:7: error: missing required key 'app_secret' in 'whatsapp.apps[]'",
            "switchboard.yaml:6:5: error: missing required key 'id' in 'channels[]'",
            "switchboard.yaml:6:5: error: missing required key 'phone_number_id' in 'channels[]' (whatsapp channels need it)",
            "switchboard.yaml:6:5: error: missing required key 'access_token' in 'channels[]' (whatsapp channels need it)",
        ])
    }

    @Test func duplicateAppChannelAndNumberIds() {
        let text = minimalHost + """

              - id: wa-main
                type: whatsapp
                app: main
                phone_number_id: "1065"
                access_token: t
                workspace: demo
            """
        #expect(failures(host: text, workspaces: demo) == [
            "switchboard.yaml:13:9: error: duplicate channel id 'wa-main' (first defined at line 7, column 9)",
            "switchboard.yaml:16:22: error: duplicate phone_number_id '1065' (first defined at line 10, column 22)",
        ])
        let apps = """
            whatsapp:
              apps:
                - {id: main, app_secret: a, verify_token: b}
                - {id: main, app_secret: c, verify_token: d}
            """
        #expect(failures(host: apps) == [
            "switchboard.yaml:4:12: error: duplicate app id 'main' (first defined at line 3, column 12)",
        ])
    }

    @Test func channelsMustNameKnownAppsAndWorkspaces() {
        let text = minimalHost
            .replacingOccurrences(of: "app: main", with: "app: mian")
            .replacingOccurrences(of: "workspace: demo", with: "workspace: shop\n    fallback_workspace: demo")
        #expect(failures(host: text, workspaces: demo) == [
            "switchboard.yaml:9:10: error: unknown app 'mian'; did you mean 'main'?",
            "switchboard.yaml:12:16: error: unknown workspace 'shop'; known workspaces: demo",
            "switchboard.yaml:13:5: warning: 'fallback_workspace' has no effect: the channel belongs to workspace 'shop'",
        ])
        #expect(failures(host: minimalHost.replacingOccurrences(of: "workspace: demo", with: "workspace: dmeo"), workspaces: demo) == [
            "switchboard.yaml:12:16: error: unknown workspace 'dmeo'; did you mean 'demo'?",
        ])
    }

    @Test func webchatChannelsNeedAWorkspaceAndNoWhatsAppKeys() {
        let text = """
            channels:
              - id: site
                type: webchat
                access_token: x
              - id: site2
                type: webchat
                workspace: demo
                rate_limit: 0
            """
        #expect(failures(host: text, workspaces: demo) == [
            "switchboard.yaml:2:5: error: missing required key 'workspace' in 'channels[]' (webchat channels need it)",
            "switchboard.yaml:4:5: error: 'access_token' applies only to whatsapp channels",
            "switchboard.yaml:8:17: error: 'rate_limit' must be greater than 0, got 0",
        ])
    }

    @Test func telegramChannelsNeedATokenAndInWebhookModeASecret() {
        let text = """
            channels:
              - id: tg1
                type: telegram
                workspace: demo
              - id: tg2
                type: telegram
                bot_token: "1:abc"
                secret_token: "has spaces"
                workspace: demo
              - id: tg3
                type: telegram
                bot_token: "1:abc"
                mode: polling
                webhook_url: https://x.example/webhooks/telegram/tg3
                app: main
                workspace: demo
              - id: wa
                type: webchat
                workspace: demo
                bot_token: x
              - id: tg4
                type: telegram
                bot_token: "AAE-no-bot-id"
                mode: polling
                workspace: demo
            """
        #expect(failures(host: text, workspaces: demo) == [
            "switchboard.yaml:2:5: error: missing required key 'bot_token' in 'channels[]' (telegram channels need it)",
            "switchboard.yaml:2:5: error: missing required key 'secret_token' in 'channels[]' (telegram channels in webhook mode need it: Telegram sends it with every update, and requests without it are refused)",
            "switchboard.yaml:8:5: error: 'secret_token' must be 1 to 256 of A-Z a-z 0-9 _ - (what Telegram accepts)",
            "switchboard.yaml:14:5: error: 'webhook_url' has no use in polling mode",
            "switchboard.yaml:15:5: error: 'app' applies only to whatsapp channels",
            "switchboard.yaml:20:5: error: 'bot_token' applies only to telegram channels",
            "switchboard.yaml:23:5: error: 'bot_token' must be a bot token as @BotFather gives it: the bot's id, a colon, then A-Z a-z 0-9 _ - (123456789:AAE...)",
        ])
    }

    @Test func aTelegramChannelReadsItsKeysWithDefaults() throws {
        let loaded = try ConfigLoader.parse(host: """
            storage:
              sqlite: x.db
            channels:
              - {id: tg-demo, type: telegram, bot_token: "123:ABC", secret_token: s3cret_TOKEN-1, workspace: demo}
              - {id: tg-poll, type: telegram, bot_token: "456:DEF", mode: polling, api_url: "http://127.0.0.1:9/", fallback_workspace: demo}
            """, workspaces: [(file: "demo.yaml", text: "id: demo\nname: Demo\nregion: NG\ntimezone: Africa/Lagos\n")])
        let tg = loaded.host.channels[0]
        #expect(tg.type == .telegram)
        #expect(tg.telegramMode == .webhook)
        #expect(tg.apiURL == "https://api.telegram.org")
        #expect(tg.webhookURL == nil)
        #expect(tg.probeIntervalSeconds == 300)
        #expect(loaded.host.channels[1].telegramMode == .polling)
        #expect(loaded.host.channels[1].isShared)
        #expect(loaded.secrets.contains("123:ABC") && loaded.secrets.contains("s3cret_TOKEN-1"))
    }

    @Test func allProblemsOfAFileAreReportedAtOnceInOrder() {
        let text = """
            server:
              listen: nowhere
            log:
              levle: info
            channels:
              - id: Bad_ID
                type: sms
            """
        let problems = failures(host: text)
        #expect(problems == [
            "switchboard.yaml:2:11: error: expected host:port (an IPv4 address, an IPv6 address in brackets, or localhost), got 'nowhere'",
            "switchboard.yaml:4:3: error: unknown key 'levle' in 'log'; did you mean 'level'?",
            "switchboard.yaml:6:9: error: 'id' must be an id of lower-case letters, digits, '-' and '_' (at most 64), got 'Bad_ID'",
            "switchboard.yaml:7:11: error: 'type' must be one of whatsapp, webchat, telegram, whatsapp_web; got 'sms'",
        ])
    }

    @Test func plainHttpGraphURLToAnotherMachineIsAWarning() throws {
        let app = "whatsapp:\n  apps:\n    - {id: a, app_secret: s, verify_token: v, graph_url: %@}\n"
        let local = try ConfigLoader.parse(host: app.replacingOccurrences(of: "%@", with: "'http://127.0.0.1:4000/v21.0/'"))
        #expect(local.warnings.isEmpty)
        #expect(local.host.whatsAppApps.first?.graphURL == "http://127.0.0.1:4000/v21.0")
        let remote = try ConfigLoader.parse(host: app.replacingOccurrences(of: "%@", with: "http://graph.example.com"))
        #expect(remote.warnings.map(\.description) == [
            "switchboard.yaml:3:58: warning: graph_url 'http://graph.example.com' is plain http to another machine: access tokens would travel unencrypted",
        ])
    }
}
