import Foundation
import Testing
@testable import SwitchboardConfig

@Suite struct DefaultFilesTests {
    @Test func defaultHostAndDemoWorkspaceLoadWithAnEmptyEnvironment() throws {
        let loaded = try ConfigLoader.load(path: "config/switchboard.yaml", environment: [:], workingDirectory: packageRoot)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let host = loaded.host
        #expect(host.server.listen == ListenAddress(host: "127.0.0.1", port: 8080, isLoopback: true))
        #expect(host.server.maxBodyBytes == 1_048_576)
        #expect(host.storage == .sqlite(path: "data/switchboard.db"))
        #expect(host.log.level == .info && host.log.format == .json && host.log.file == nil)
        #expect(host.workspacesDirectory == "config/workspaces")
        #expect(host.whatsAppApps == [WhatsAppAppConfig(id: "demo", appSecret: "demo-app-secret",
                                                         verifyToken: "demo-verify-token",
                                                         graphURL: "https://graph.facebook.com/v21.0")])
        #expect(host.channels.map(\.id.rawValue) == ["wa-demo", "web-demo"])
        #expect(host.channels.last?.type == .webchat && host.channels.last?.workspace?.rawValue == "demo")
        let channel = try #require(host.channels.first)
        #expect(channel.id.rawValue == "wa-demo" && channel.type == .whatsapp && channel.app == "demo")
        #expect(channel.phoneNumberID == "106540352242922")
        #expect(channel.workspace?.rawValue == "demo" && !channel.isShared)
        #expect(channel.rateLimit == 80)
        #expect(loaded.secrets == ["demo-app-secret", "demo-verify-token", "demo-access-token"])

        let demo = try #require(loaded.workspaces.first)
        #expect(loaded.workspaces.count == 1)
        #expect(demo.id.rawValue == "demo" && demo.region == "NG" && demo.timeZone.identifier == "Africa/Lagos")
        #expect(demo.file == "config/workspaces/demo.yaml")
        #expect(demo.senders == ["+2348031234567"])
        #expect(demo.fallback == "Thanks! We will get back to you shortly.")
        #expect(demo.plugins.map(\.name) == ["faq", "llm", "handoff"])
        #expect(demo.plugins.map(\.deadlineMilliseconds) == [2000, 20000, 2000])
        #expect(demo.plugins.allSatisfy { $0.file == nil })
        let llm = try #require(try JSONSerialization.jsonObject(with: Data(demo.plugins[1].configJSON.utf8)) as? [String: Any])
        #expect(llm["knowledge"] as? [String] == ["config/knowledge/demo.md"])
        #expect(((llm["providers"] as? [[String: Any]])?.first?["base_url"] as? String) == "http://127.0.0.1:8000/v1")
        let faq = try JSONSerialization.jsonObject(with: Data(demo.plugins[0].configJSON.utf8)) as? [String: Any]
        let entries = try #require(faq?["entries"] as? [[String: Any]])
        #expect(entries.count >= 5)
        #expect(entries.first?["id"] as? String == "hours")
        #expect(demo.plugins[2].configJSON == #"{"keywords":["human","agent","speak to someone","complaint","manager"]}"#)
    }

    @Test func environmentOverridesTheDemoSecrets() throws {
        let env = ["WA_APP_SECRET": "real-secret", "WA_GRAPH_URL": "http://127.0.0.1:9999/v21.0"]
        let loaded = try ConfigLoader.load(path: "config/switchboard.yaml", environment: env, workingDirectory: packageRoot)
        #expect(loaded.host.whatsAppApps.first?.appSecret == "real-secret")
        #expect(loaded.host.whatsAppApps.first?.graphURL == "http://127.0.0.1:9999/v21.0")
        #expect(loaded.secrets.contains("real-secret") && !loaded.secrets.contains("demo-app-secret"))
    }

    @Test func theDefaultFileDocumentsEveryHostKey() throws {
        let text = try String(contentsOfFile: packageRoot + "/config/switchboard.yaml", encoding: .utf8)
        for path in ConfigSchema.keyPaths(ConfigSchema.host) {
            let key = String(path.split(separator: ".").last!.replacingOccurrences(of: "[]", with: ""))
            #expect(text.contains(key + ":"), "config/switchboard.yaml does not mention '\(path)'")
        }
    }

    @Test func missingConfigFileIsAPlainErrorNamingThePath() {
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(path: "nowhere/switchboard.yaml", environment: [:], workingDirectory: packageRoot)
        }
        do {
            _ = try ConfigLoader.load(path: "nowhere/switchboard.yaml", environment: [:], workingDirectory: packageRoot)
        } catch {
            #expect(error.description == "nowhere/switchboard.yaml: error: config file not found")
        }
    }
}
