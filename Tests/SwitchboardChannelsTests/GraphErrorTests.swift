import SwitchboardChannels
import Testing

/// Classification without a server: bodies and curl codes as they arrive.
@Suite struct GraphErrorTests {
    func body(code: Int, transient: Bool? = nil) -> [UInt8] {
        let extra = transient.map { ",\"is_transient\":\($0)" } ?? ""
        return Array("{\"error\":{\"message\":\"(#\(code)) x\",\"type\":\"OAuthException\",\"code\":\(code)\(extra)}}".utf8)
    }

    @Test func codeDecidesBeforeStatus() {
        // Throttling arrives as 400 or 429: the code decides.
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 130429)).kind == .rateLimited)
        #expect(GraphError.classify(httpStatus: 429, body: body(code: 130429)).kind == .rateLimited)
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 131056)).kind == .pairRateLimited)
        #expect(GraphError.classify(httpStatus: 500, body: body(code: 131000)).kind == .retryable)
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 131047)).kind == .reengagement)
        #expect(GraphError.classify(httpStatus: 401, body: body(code: 0)).kind == .auth)
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 190)).kind == .auth)
        // A known permanent code with a 5xx status stays permanent (code 3 comes as 500).
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 131026)).kind == .permanent)
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 132000)).kind == .permanent)
    }

    @Test func unknownCodeFallsBackToStatus() {
        #expect(GraphError.classify(httpStatus: 503, body: body(code: 999_999)).kind == .retryable)
        #expect(GraphError.classify(httpStatus: 429, body: body(code: 999_999)).kind == .rateLimited)
        #expect(GraphError.classify(httpStatus: 401, body: body(code: 999_999)).kind == .auth)
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 999_999)).kind == .permanent)
        #expect(GraphError.classify(httpStatus: 400, body: body(code: 999_999, transient: true)).kind == .retryable)
    }

    @Test func noGraphBodyUsesStatusAndMarksServerErrorsAmbiguous() {
        let html = Array("<html>502 Bad Gateway</html>".utf8)
        let e502 = GraphError.classify(httpStatus: 502, body: html)
        #expect(e502.kind == .retryable)
        #expect(e502.ambiguous)
        #expect(e502.code == nil)
        #expect(GraphError.classify(httpStatus: 502, body: []).kind == .retryable)
        #expect(GraphError.classify(httpStatus: 401, body: []).kind == .auth)
        #expect(GraphError.classify(httpStatus: 429, body: []).kind == .rateLimited)
        #expect(GraphError.classify(httpStatus: 404, body: []).kind == .permanent)
        #expect(!GraphError.classify(httpStatus: 404, body: []).ambiguous)
    }

    @Test func transportErrors() {
        for code in [7, 6, 35] {
            let e = GraphError.transport(curlCode: code, message: "x")
            #expect(e.kind == .retryable)
            #expect(!e.ambiguous, "curl \(code) never reached the provider")
        }
        for code in [28, 52, 55, 56] {
            let e = GraphError.transport(curlCode: code, message: "x")
            #expect(e.kind == .retryable)
            #expect(e.ambiguous, "curl \(code) may have reached the provider")
        }
    }

    @Test func retryFloor() {
        #expect(GraphError(kind: .pairRateLimited, title: "").retryFloor == .seconds(6))
        #expect(GraphError(kind: .pairRateLimited, title: "", retryAfter: .seconds(30)).retryFloor == .seconds(30))
        #expect(GraphError(kind: .rateLimited, title: "").retryFloor == .seconds(1))
        #expect(GraphError(kind: .retryable, title: "").retryFloor == nil)
        #expect(GraphError(kind: .retryable, title: "", retryAfter: .seconds(3)).retryFloor == .seconds(3))
    }

    @Test func descriptionNamesKindStatusCodeAndDetails() {
        let e = GraphError(kind: .pairRateLimited, httpStatus: 400, code: 131056, title: "(#131056) pair rate limit hit",
                           details: "too many messages")
        #expect(e.description == "graph api pair_rate_limited (HTTP 400) code 131056: (#131056) pair rate limit hit — too many messages")
    }
}
