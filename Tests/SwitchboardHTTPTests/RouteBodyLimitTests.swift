import Testing
import Foundation
import SwitchboardHTTP

/// A route with its own body limit (an upload route) takes bodies above the server's
/// limit, refuses larger ones with its own message before reading them, and checks its
/// caller on the headers first; every other route keeps the server's limit.
@Suite struct RouteBodyLimitTests {
    static func router(_ rec: Recorder) -> HTTPRouter {
        var r = HTTPRouter()
        r.post("/small") { req in
            rec.record(req)
            return .text("\(req.body.count)")
        }
        let limit = RouteBodyLimit(bytes: 64 << 10, message: "files are at most 64 KB (upload.max)") { head in
            head.headers["Authorization"] == "Bearer ok" ? nil : .error(401, "who are you?")
        }
        r.add("POST", "/upload", bodyLimit: limit) { req in
            rec.record(req)
            return .text("\(req.body.count) \(fnv1a(req.body))")
        }
        return r
    }

    static var config: HTTPServerConfiguration {
        var c = HTTPServerConfiguration(listen: "127.0.0.1:0")
        c.maxBodySize = 1000
        return c
    }

    @Test func theUploadRouteTakesMoreThanTheServerLimitAndTheOthersDoNot() throws {
        let rec = Recorder()
        try withServer(Self.router(rec), configuration: Self.config) { _, port in
            var body = [UInt8](repeating: 0, count: 50_000)
            for i in body.indices { body[i] = UInt8(truncatingIfNeeded: i &* 7) }
            let ok = try request(port, "POST", "/upload", headers: [("Authorization", "Bearer ok")], body: body)
            #expect(ok.status == 200)
            #expect(ok.text == "50000 \(fnv1a(body))")
            let small = try request(port, "POST", "/small", body: [UInt8](repeating: 1, count: 1001))
            #expect(small.status == 413)
            #expect(small.text == "{\"error\":\"request body larger than 1000 bytes\"}")
            #expect(rec.count == 1)
        }
    }

    @Test func overTheRouteLimitIs413WithItsMessageBeforeTheBodyIsRead() throws {
        let rec = Recorder()
        try withServer(Self.router(rec), configuration: Self.config) { _, port in
            let c = try TestConnection(port: port, timeoutSeconds: 5)
            try c.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ok\r\nContent-Length: 50000000\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 413)
            #expect(r.text == "{\"error\":\"files are at most 64 KB (upload.max)\"}")
            // Chunked: refused once the limit is passed, with the same message.
            let d = try TestConnection(port: port)
            try d.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ok\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            let piece = [UInt8](repeating: 0x61, count: 16 << 10)
            for _ in 0..<5 { try d.send(Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]) }
            try d.send("0\r\n\r\n")
            let chunked = try d.readResponse()
            #expect(chunked.status == 413)
            #expect(chunked.text.contains("upload.max"))
            #expect(rec.count == 0)
        }
    }

    @Test func aCallerTheRouteRefusesIsAnsweredOnTheHeadersAlone() throws {
        let rec = Recorder()
        try withServer(Self.router(rec), configuration: Self.config) { _, port in
            // Only the head of a 10 MB upload: the refusal comes without the body.
            let c = try TestConnection(port: port, timeoutSeconds: 5)
            try c.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60000\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 401)
            #expect(r.text == "{\"error\":\"who are you?\"}")
            #expect(rec.count == 0)
        }
    }

    @Test func theRouterAppliesTheRouteLimitToo() {
        let rec = Recorder()
        let router = Self.router(rec)
        let r = router.respond(to: HTTPRequest(method: "POST", target: "/upload", headers: ["Authorization": "Bearer ok"],
                                               body: [UInt8](repeating: 0, count: (64 << 10) + 1)))
        #expect(r.status == 413)
        #expect(rec.count == 0)
    }
}
