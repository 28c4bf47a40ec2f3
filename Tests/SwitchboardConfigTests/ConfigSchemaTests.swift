import Testing
@testable import SwitchboardConfig

@Suite struct ConfigSchemaTests {
    @Test func documentationListsEveryKeyWithItsDefaultAndSentence() {
        let doc = ConfigSchema.documentation()
        for root in [ConfigSchema.host, ConfigSchema.workspace] {
            for path in ConfigSchema.keyPaths(root) {
                #expect(doc.contains("\n" + path + "  ["), "'\(path)' is not documented")
            }
        }
        #expect(doc.contains("server.listen  [host:port; default: 127.0.0.1:8080]"))
        #expect(doc.contains("channels[].rate_limit  [number > 0; default: 80]"))
        #expect(doc.contains("whatsapp.apps[].app_secret  [text; required]"))
        #expect(doc.contains("log.file  [text; optional; when unset: stderr]"))
        #expect(doc.contains("plugins[].deadline_ms  [integer 1..600000; default: 2000]"))
    }

    @Test func everyDocumentedDefaultParsesAndPassesItsOwnChecks() throws {
        // An empty host file and a workspace with only its required keys take every
        // default from the tables; none may be refused.
        let loaded = try ConfigLoader.parse(host: "", workspaces: [(file: "demo.yaml", text: demoWorkspace + "\nplugins: [{name: p}]\n")])
        #expect(loaded.host.server.maxBodyBytes == 1_048_576)
        #expect(loaded.host.log.level == .info && loaded.host.log.format == .json)
        #expect(loaded.host.workspacesDirectory == "config/workspaces")
        #expect(loaded.workspaces.first?.plugins.first?.deadlineMilliseconds == 2000)
        let app = try ConfigLoader.parse(host: "whatsapp:\n  apps: [{id: a, app_secret: s, verify_token: v}]\n")
        #expect(app.host.whatsAppApps.first?.graphURL == "https://graph.facebook.com/v21.0")
    }

    @Test func anErrorsDescriptionIsOneDiagnosticPerLine() {
        let error = ConfigError([
            ConfigDiagnostic(file: "a.yaml", line: 3, column: 7, message: "first"),
            ConfigDiagnostic(file: "a.yaml", line: 9, column: 1, message: "second", severity: .warning),
            ConfigDiagnostic(file: "b.yaml", line: 0, column: 0, message: "whole file"),
        ])
        #expect(error.description == "a.yaml:3:7: error: first\na.yaml:9:1: warning: second\nb.yaml: error: whole file")
        #expect(error.errors.count == 2 && error.warnings.count == 1)
    }

    @Test func suggestionsOnlyForCloseMatches() {
        #expect(Suggestion.closest(to: "lsiten", in: ["listen", "max_body_bytes"]) == "listen")
        #expect(Suggestion.closest(to: "rate-limit", in: ["rate_limit", "app"]) == "rate_limit")
        #expect(Suggestion.closest(to: "colour", in: ["id", "name", "region"]) == nil)
        #expect(Suggestion.closest(to: "ab", in: ["id"]) == nil)
    }
}
