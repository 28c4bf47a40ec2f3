import Testing
import SwitchboardHTTP
import SwitchboardLog
import Foundation

@Suite struct HTTPServerRoutingTests {
    static func router(_ recorder: Recorder) -> HTTPRouter {
        var r = HTTPRouter()
        r.get("/hello") { req in
            recorder.record(req)
            return .text("hello \(req.remoteAddress)")
        }
        r.get("/webhooks/whatsapp/{app}") { req in
            recorder.record(req)
            // Meta's verification handshake echoes hub.challenge.
            return .text(req.query["hub.challenge"] ?? "", headers: ["X-App": req.parameter("app") ?? "?"])
        }
        r.post("/webhooks/whatsapp/{app}") { req in
            recorder.record(req)
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream",
                                                      "X-App": req.parameter("app") ?? "?"], body: req.body)
        }
        r.get("/api/v1/workspaces/{ws}/conversations/{id}") { req in
            .json("{\"ws\":\"\(req.parameter("ws")!)\",\"id\":\"\(req.parameter("id")!)\"}")
        }
        r.get("/api/v1/workspaces/me/conversations/{id}") { _ in .text("literal wins") }
        r.get("/inbox/{file...}") { req in .text("file=\(req.parameter("file")!)") }
        return r
    }

    @Test func getRoutesWithParameterAndDecodedQuery() throws {
        let rec = Recorder()
        try withServer(Self.router(rec)) { _, port in
            let r = try request(port, "GET", "/webhooks/whatsapp/main?hub.mode=subscribe&hub.challenge=caf%C3%A9+noir%2612&hub.verify_token=t%20k")
            #expect(r.status == 200)
            #expect(r.text == "café noir&12")
            #expect(r.header("X-App") == "main")
            #expect(r.header("Content-Type") == "text/plain; charset=utf-8")
            let seen = try #require(rec.requests.first)
            #expect(seen.method == "GET")
            #expect(seen.path == "/webhooks/whatsapp/main")
            #expect(seen.route == "/webhooks/whatsapp/{app}")
            #expect(seen.query == ["hub.mode": "subscribe", "hub.challenge": "café noir&12", "hub.verify_token": "t k"])
            #expect(seen.headers["host"] == "localhost")
            #expect(seen.headers["HOST"] == "localhost")
        }
    }

    @Test func remoteAddressIsTheClientsIP() throws {
        try withServer(Self.router(Recorder())) { _, port in
            let r1 = try request(port, "GET", "/hello")
            #expect(r1.text == "hello 127.0.0.1")
        }
    }

    @Test func postReachesThePostHandlerWithItsParameter() throws {
        let rec = Recorder()
        try withServer(Self.router(rec)) { _, port in
            let r = try request(port, "POST", "/webhooks/whatsapp/second%20app", headers: [("Content-Type", "application/json")],
                                body: Array("{}".utf8))
            #expect(r.status == 200)
            #expect(r.header("X-App") == "second app")
            #expect(r.text == "{}")
            #expect(rec.requests.first?.headers["content-type"] == "application/json")
        }
    }

    @Test func literalSegmentsBeatParametersAndRestCapturesTheTail() throws {
        try withServer(Self.router(Recorder())) { _, port in
            let r2 = try request(port, "GET", "/api/v1/workspaces/me/conversations/7")
            #expect(r2.text == "literal wins")
            let r3 = try request(port, "GET", "/api/v1/workspaces/bakery/conversations/c-9")
            #expect(r3.text == "{\"ws\":\"bakery\",\"id\":\"c-9\"}")
            let r4 = try request(port, "GET", "/inbox/js/app.js")
            #expect(r4.text == "file=js/app.js")
            let r5 = try request(port, "GET", "/inbox/")
            #expect(r5.text == "file=")
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() throws {
        let rec = Recorder()
        try withServer(Self.router(rec)) { _, port in
            let nf = try request(port, "GET", "/nope?x=1")
            #expect(nf.status == 404)
            #expect(nf.header("Content-Type") == "application/json")
            #expect(nf.text == "{\"error\":\"no route for /nope\"}")

            let na = try request(port, "DELETE", "/webhooks/whatsapp/main")
            #expect(na.status == 405)
            #expect(na.header("Allow") == "GET, HEAD, POST")

            let wrongOnGetOnly = try request(port, "POST", "/hello", body: Array("x".utf8))
            #expect(wrongOnGetOnly.status == 405)
            #expect(wrongOnGetOnly.header("Allow") == "GET, HEAD")
            #expect(rec.count == 0)
        }
    }

    @Test func headIsServedByGetWithoutBody() throws {
        try withServer(Self.router(Recorder())) { _, port in
            let r = try request(port, "HEAD", "/hello")
            #expect(r.status == 200)
            #expect(r.body.isEmpty)
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        try withServer(Self.router(Recorder())) { _, port in
            let c = try TestConnection(port: port)
            for i in 0..<3 {
                try c.send(requestBytes("GET", "/webhooks/whatsapp/a?hub.challenge=\(i)", close: false))
                let r = try c.readResponse()
                #expect(r.status == 200)
                #expect(r.text == "\(i)")
            }
        }
    }

    @Test func aBodilessRequestAnswered404KeepsTheConnectionOpen() throws {
        try withServer(Self.router(Recorder())) { _, port in
            let c = try TestConnection(port: port)
            try c.send(requestBytes("GET", "/nope", close: false))
            let first = try c.readResponse()
            #expect(first.status == 404)
            #expect(first.header("Connection") == nil)
            try c.send(requestBytes("GET", "/hello", close: false))
            #expect(try c.readResponse().status == 200)
        }
    }

    @Test func a404WithABodyIsAnsweredWithoutReadingTheBody() throws {
        try withServer(Self.router(Recorder())) { _, port in
            let c = try TestConnection(port: port, timeoutSeconds: 5)
            // The announced body is never sent: the answer must not wait for it.
            try c.send("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 404)
            #expect(r.header("Connection")?.lowercased() == "close")
        }
    }

    @Test func plainHandlerServerSeesEveryPath() throws {
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0")) { req in
            .text("\(req.method) \(req.path)")
        }
        try server.start()
        defer { server.stop() }
        let port = try #require(server.boundPort)
        let r6 = try request(port, "PUT", "/any/where", body: [])
        #expect(r6.text == "PUT /any/where")
        let r7 = try request(port, "GET", "/")
        #expect(r7.text == "GET /")
    }
}

@Suite struct HTTPServerLoggingTests {
    @Test func eachRequestWritesOneDebugLineWithRouteAndStatus() throws {
        let path = "/tmp/switchboard-http-log-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { unlink(path) }
        let sink = try LogSink(level: .debug, format: .json, path: path)
        var router = HTTPRouter()
        router.get("/things/{id}") { _ in .text("ok") }
        router.get("/broken") { _ in HTTPResponse(status: 42) }
        try withServer(router, logger: Logger(sink: sink)) { _, port in
            _ = try request(port, "GET", "/things/secret-looking-id")
            let broken = try request(port, "GET", "/broken")
            #expect(broken.status == 500)
            #expect(eventually {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                return text.components(separatedBy: "\"message\":\"http request\"").count == 3
            })
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"route\":\"/things/{id}\""))
        #expect(text.contains("\"status\":\"200\""))
        #expect(text.contains("\"message\":\"handler returned an invalid HTTP status; sending 500\""))
        #expect(text.contains("\"message\":\"http server listening\""))
        #expect(!text.contains("secret-looking-id"))
    }
}
