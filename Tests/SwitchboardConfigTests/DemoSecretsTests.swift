import Foundation
import Testing
@testable import SwitchboardConfig

/// The shipped config falls back to demo secrets (`${WA_APP_SECRET:-demo-app-secret}`):
/// fine for the demo on loopback, refused by `check` and `serve` (both load through
/// `ConfigLoader`) once the server is reachable from the network.
@Suite struct DemoSecretsTests {
    func defaultFile(listen: String) throws -> String {
        let text = try String(contentsOfFile: packageRoot + "/config/switchboard.yaml", encoding: .utf8)
        #expect(text.contains("  listen: 127.0.0.1:8080\n"))
        return text.replacingOccurrences(of: "  listen: 127.0.0.1:8080\n", with: "  listen: \(listen)\n")
    }

    func load(_ text: String, environment: [String: String] = [:]) throws -> LoadedConfig {
        let workspace = try String(contentsOfFile: packageRoot + "/config/workspaces/demo.yaml", encoding: .utf8)
        return try ConfigLoader.parse(host: text, file: "config/switchboard.yaml",
                                      workspaces: [("config/workspaces/demo.yaml", workspace)], environment: environment)
    }

    @Test func theDefaultFileOnANetworkAddressIsRefusedNamingEachDemoKey() throws {
        let text = try defaultFile(listen: "0.0.0.0:8080")
        var messages: [String] = []
        do {
            _ = try load(text)
            Issue.record("a config listening on 0.0.0.0 with the demo secrets was accepted")
        } catch {
            messages = ((error as? ConfigError)?.diagnostics ?? []).filter { $0.severity == .error }.map(\.description)
        }
        #expect(messages.count == 3, "\(messages)")
        let joined = messages.joined(separator: "\n")
        for (key, value) in [("whatsapp.apps[].app_secret", "demo-app-secret"), ("whatsapp.apps[].verify_token", "demo-verify-token"),
                             ("channels[].access_token", "demo-access-token")] {
            #expect(joined.contains("'\(key)' is the demo secret '\(value)' and server.listen 0.0.0.0:8080 is reachable from the network"),
                    "no error names \(key): \(joined)")
        }
        // At the line of the key in the file.
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("app_secret: ${WA_APP_SECRET") }) + 1
        #expect(messages.contains { $0.hasPrefix("config/switchboard.yaml:\(line):") && $0.contains("app_secret") }, "\(messages)")
    }

    @Test func anIPv6WildcardIsRefusedToo() throws {
        #expect(throws: ConfigError.self) { try load(try defaultFile(listen: "'[::]:8080'")) }
    }

    @Test func realSecretsFromTheEnvironmentMayListenOnTheNetwork() throws {
        let env = ["WA_APP_SECRET": "a-real-secret", "WA_VERIFY_TOKEN": "a-real-token", "WA_ACCESS_TOKEN": "a-real-access-token"]
        let loaded = try load(try defaultFile(listen: "0.0.0.0:8080"), environment: env)
        #expect(loaded.host.server.listen.isLoopback == false)
        // Still the warning about a network address, no error.
        #expect(loaded.warnings.contains { $0.description.contains("reachable from the network") })
    }

    @Test func oneDemoSecretLeftIsEnoughToRefuse() throws {
        let env = ["WA_APP_SECRET": "a-real-secret", "WA_ACCESS_TOKEN": "a-real-access-token"]
        do {
            _ = try load(try defaultFile(listen: "192.168.1.10:8080"), environment: env)
            Issue.record("the demo verify token on a LAN address was accepted")
        } catch {
            let errors = ((error as? ConfigError)?.diagnostics ?? []).filter { $0.severity == .error }.map(\.description)
            #expect(errors.count == 1 && errors[0].contains("'whatsapp.apps[].verify_token' is the demo secret"), "\(errors)")
        }
    }

    @Test func theDemoOnLoopbackStillLoads() throws {
        let loaded = try load(try defaultFile(listen: "127.0.0.1:8080"))
        #expect(loaded.secrets.sorted() == ConfigSchema.demoSecrets.sorted())
    }

    /// Every `${VAR:-demo-...}` fallback in config/ is one the check knows.
    @Test func everyDemoFallbackInTheShippedConfigIsKnown() throws {
        var found: Set<String> = []
        let root = packageRoot + "/config"
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") } ?? []
        #expect(!files.isEmpty)
        let pattern = try NSRegularExpression(pattern: #"\$\{[A-Z0-9_]+:-(demo-[^}]*)\}"#)
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.insert(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        #expect(!found.isEmpty)
        #expect(found.isSubset(of: ConfigSchema.demoSecrets), "unknown demo secrets: \(found.subtracting(ConfigSchema.demoSecrets))")
    }
}
