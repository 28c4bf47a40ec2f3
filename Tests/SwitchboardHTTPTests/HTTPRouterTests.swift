import Testing
import SwitchboardHTTP

@Suite struct HTTPRouterTests {
    static let router: HTTPRouter = {
        var r = HTTPRouter()
        r.get("/webhooks/whatsapp/{app}") { req in .text("get \(req.parameter("app")!) \(req.route)") }
        r.post("/webhooks/whatsapp/{app}") { req in .text("post \(req.parameter("app")!)") }
        r.get("/files/{name}") { req in .text("file \(req.parameter("name")!)") }
        r.get("/") { _ in .text("root") }
        return r
    }()

    @Test func dispatchesLikeTheServer() {
        let r = Self.router
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/webhooks/whatsapp/main?x=1")).bodyString
                == "get main /webhooks/whatsapp/{app}")
        #expect(r.respond(to: HTTPRequest(method: "POST", target: "/webhooks/whatsapp/b")).bodyString == "post b")
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/")).bodyString == "root")
        let nf = r.respond(to: HTTPRequest(method: "GET", target: "/webhooks/whatsapp"))
        #expect(nf.status == 404)
        let na = r.respond(to: HTTPRequest(method: "PUT", target: "/webhooks/whatsapp/main"))
        #expect(na.status == 405)
        #expect(na.headers["allow"] == "GET, HEAD, POST")
    }

    /// Routes are looked up by their first literal segment; routes that start with a
    /// parameter or a rest still compete with them, and literals still win.
    @Test func routesStartingWithAParameterStillCompete() {
        var r = HTTPRouter()
        r.get("/{tenant}/status") { req in .text("tenant \(req.parameter("tenant")!)") }
        r.get("/api/status") { _ in .text("api") }
        r.get("/{all...}") { req in .text("rest \(req.parameter("all")!)") }
        r.post("/api/{thing}") { req in .text("post \(req.parameter("thing")!)") }
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/api/status")).bodyString == "api")
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/shop/status")).bodyString == "tenant shop")
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/api/other")).bodyString == "rest api/other")
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/")).bodyString == "rest ")
        #expect(r.respond(to: HTTPRequest(method: "POST", target: "/api/status")).bodyString == "post status")
        let na = r.respond(to: HTTPRequest(method: "DELETE", target: "/api/status"))
        #expect(na.status == 405)
        #expect(na.headers["allow"] == "GET, HEAD")
    }

    @Test func parametersAreDecodedPerSegment() {
        // %2F stays inside its segment: one parameter, not two segments.
        let resp = Self.router.respond(to: HTTPRequest(method: "GET", target: "/files/a%2Fb%20c+d"))
        #expect(resp.bodyString == "file a/b c+d")
        #expect(Self.router.respond(to: HTTPRequest(method: "GET", target: "/files/")).status == 404)
        #expect(Self.router.respond(to: HTTPRequest(method: "GET", target: "/files/x/y")).status == 404)
    }

    @Test func queryDecoding() {
        let req = HTTPRequest(method: "GET", target: "/p%20q?a=1&b=x+y&c&d=%E2%82%AC&e=100%&a=2&f=%zz#frag")
        #expect(req.path == "/p q")
        #expect(req.query == ["a": "1", "b": "x y", "c": "", "d": "€", "e": "100%", "f": "%zz"])
        #expect(req.queryItems.filter { $0.name == "a" }.map(\.value) == ["1", "2"])
    }

    // Found by fuzzing (docs/fuzzing.md; fuzz/regressions/fuzz-http-router/non-ascii-header-name.txt):
    // names were compared with Unicode case mapping, so `Coo\u{212A}ie` (KELVIN SIGN) was
    // the Cookie header, and a name with U+0345 did not find itself once upper-cased.
    @Test func headerNamesIgnoreASCIICaseOnly() {
        var h = HTTPHeaders([(name: "Coo\u{212A}ie", value: "sb_session=forged"), (name: "Cookie", value: "sb_session=real")])
        #expect(h["cookie"] == "sb_session=real")
        #expect(h.values("COOKIE") == ["sb_session=real"])
        #expect(h.values("Coo\u{212A}ie") == ["sb_session=forged"])
        h["COOKIE"] = nil
        #expect(h.fields.map(\.name) == ["Coo\u{212A}ie"])

        let odd = "q=a\u{FFFD}\u{0345}"
        var g = HTTPHeaders([(name: odd, value: "x")])
        g["Q=A\u{FFFD}\u{0345}"] = "fuzz"
        #expect(g[odd] == "fuzz")
        #expect(g.values(odd).count == 1)
    }

    @Test func headersAreCaseInsensitiveAndKeepRepeats() {
        var h: HTTPHeaders = ["Content-Type": "application/json", "X-Hub-Signature-256": "sha256=ab"]
        h.add("Set-Cookie", "a=1")
        h.add("set-cookie", "b=2")
        #expect(h["content-type"] == "application/json")
        #expect(h["x-hub-signature-256"] == "sha256=ab")
        #expect(h.values("SET-COOKIE") == ["a=1", "b=2"])
        h["Set-Cookie"] = "c=3"
        #expect(h.values("set-cookie") == ["c=3"])
        h["content-type"] = nil
        #expect(h["Content-Type"] == nil)
        #expect(h.count == 2)
    }
}

extension HTTPResponse {
    var bodyString: String { String(decoding: body, as: UTF8.self) }
}
