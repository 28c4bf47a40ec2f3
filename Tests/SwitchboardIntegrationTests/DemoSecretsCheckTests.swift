import Foundation
import Testing

/// The shipped config with its demo secrets, listening on the network: `check` and
/// `serve` both refuse it, naming each demo key.
@Suite struct DemoSecretsCheckTests {
    func shipped(listen: String) throws -> String {
        let shipped = try String(contentsOf: TestHost.repoRoot.appendingPathComponent("config/switchboard.yaml"), encoding: .utf8)
        let config = shipped
            .replacingOccurrences(of: "path: [.build/release, /usr/lib/switchboard/plugins]", with: "path: [\(TestHost.pluginDirectory)]")
            .replacingOccurrences(of: "  listen: 127.0.0.1:8080\n", with: "  listen: \(listen)\n")
            .replacingOccurrences(of: "  sqlite: data/switchboard.db\n", with: "  sqlite: $DIR/switchboard.db\n")
            .replacingOccurrences(of: "  dir: config/workspaces\n", with: "  dir: \(TestHost.repoRoot.path)/config/workspaces\n")
        #expect(config.contains("listen: \(listen)") && config.contains("$DIR/switchboard.db"))
        return config
    }

    /// The demo keys' environment variables, unset whatever the test runner has.
    static let noSecrets = ["WA_APP_SECRET": "", "WA_VERIFY_TOKEN": "", "WA_ACCESS_TOKEN": ""]

    @Test func checkRefusesTheDemoSecretsOnANetworkAddress() throws {
        let host = try TestHost(hostYAML: try shipped(listen: "0.0.0.0:8080"))
        let r = try runSwitchboard(["check", "--config", host.configPath], cwd: host.dir, environment: Self.noSecrets)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        for key in ["whatsapp.apps[].app_secret", "whatsapp.apps[].verify_token", "channels[].access_token"] {
            #expect(r.stdout.contains("error: '\(key)' is the demo secret"), "\(key) not named: \(r.stdout)")
        }
        // With real secrets in the environment the same file passes.
        // (From the repository, as an operator runs it: the demo's llm plugin reads its
        // knowledge file relative to the working directory.)
        let real = try runSwitchboard(["check", "--config", host.configPath], cwd: TestHost.repoRoot,
                                      environment: ["WA_APP_SECRET": "s1", "WA_VERIFY_TOKEN": "s2", "WA_ACCESS_TOKEN": "s3"])
        #expect(real.status == 0, "\(real.stdout)\(real.stderr)")
    }

    @Test func serveRefusesToStart() throws {
        let host = try TestHost(hostYAML: try shipped(listen: "0.0.0.0:0"))
        try host.start(environment: Self.noSecrets, waitForListening: false)
        let status = host.waitForExit(timeout: 60)
        #expect(status != nil && status != 0, "serve started with the demo secrets on 0.0.0.0")
        #expect(host.logText.contains("is the demo secret"), "\(host.logText)")
        #expect(!host.logText.contains("http server listening"))
    }
}
