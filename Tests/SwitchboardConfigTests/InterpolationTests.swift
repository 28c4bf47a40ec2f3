import Testing
@testable import SwitchboardConfig

@Suite struct InterpolationTests {
    let host = """
        whatsapp:
          apps:
            - id: main
              app_secret: ${APP_SECRET}
              verify_token: "tok-${TOKEN_SUFFIX:-dev}"
              graph_url: ${GRAPH:-https://graph.facebook.com/v21.0}
        """

    @Test func setVariablesAreSubstituted() throws {
        let loaded = try ConfigLoader.parse(host: host, environment: ["APP_SECRET": "abc", "TOKEN_SUFFIX": "prod"])
        let app = try #require(loaded.host.whatsAppApps.first)
        #expect(app.appSecret == "abc")
        #expect(app.verifyToken == "tok-prod")
        #expect(loaded.secrets == ["abc", "tok-prod"])
    }

    @Test func defaultsApplyWhenUnsetOrEmpty() throws {
        let loaded = try ConfigLoader.parse(host: host, environment: ["APP_SECRET": "abc", "TOKEN_SUFFIX": ""])
        let app = try #require(loaded.host.whatsAppApps.first)
        #expect(app.verifyToken == "tok-dev")
        #expect(app.graphURL == "https://graph.facebook.com/v21.0")
    }

    @Test func anUnsetVariableWithoutDefaultIsAnErrorAtItsNode() {
        #expect(failures(host: host, environment: [:]) == [
            "switchboard.yaml:4:19: error: environment variable 'APP_SECRET' is not set; set it or give a default with '${APP_SECRET:-default}'",
        ])
    }

    @Test func doubleDollarEscapesAndALoneDollarIsKept() {
        #expect(Interpolation.expand("price $$5 and $20, $${HOME}", environment: ["HOME": "/root"]) == .success("price $5 and $20, ${HOME}"))
        #expect(Interpolation.expand("${A}${B:-b}$", environment: ["A": "a"]) == .success("ab$"))
    }

    @Test func malformedReferencesAreErrors() {
        #expect(Interpolation.expand("x ${OPEN", environment: [:])
                == .failure(ConfigProblem(message: "unterminated '${' in 'x ${OPEN'; write '$$' for a literal '$'")))
        #expect(Interpolation.expand("${1BAD}", environment: [:])
                == .failure(ConfigProblem(message: "'${1BAD}' is not a variable reference; names are letters, digits and '_', and a default is written '${NAME:-default}'")))
    }

    @Test func interpolatedValuesAreTypedLikeWrittenOnes() throws {
        let text = """
            server:
              listen: "127.0.0.1:${PORT:-0}"
              max_body_bytes: ${MAX}
            """
        let loaded = try ConfigLoader.parse(host: text, environment: ["MAX": "2048"])
        #expect(loaded.host.server.listen.port == 0)
        #expect(loaded.host.server.maxBodyBytes == 2048)
        #expect(failures(host: text, environment: ["MAX": "lots"]) == [
            "switchboard.yaml:3:19: error: expected a number for 'max_body_bytes', got 'lots'",
        ])
    }
}
