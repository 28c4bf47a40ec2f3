import Testing
import Foundation
import SwitchboardHTTP
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@Suite struct HTTPServerBodyTests {
    static func echoRouter(_ rec: Recorder) -> HTTPRouter {
        var r = HTTPRouter()
        r.post("/echo") { req in
            rec.record(req)
            return HTTPResponse(status: 200, headers: ["X-Length": String(req.body.count),
                                                      "X-Digest": String(fnv1a(req.body))], body: req.body)
        }
        r.post("/count") { req in
            rec.record(req)
            return .text("\(req.body.count) \(fnv1a(req.body))")
        }
        return r
    }

    @Test func rawBodyBytesArriveExactlyAsSent() throws {
        // A webhook's HMAC is computed over these exact bytes: JSON escapes stay escapes,
        // raw UTF-8 stays raw, and bytes that are not UTF-8 at all are not touched.
        let json = #"{"text":"caf\u00e9 \ud83d\ude00","raw":"café 😀","crlf":"a\r\nb"}"#
        let body = Array(json.utf8) + [0xff, 0x00, 0xfe, 0x0d, 0x0a]
        let rec = Recorder()
        try withServer(Self.echoRouter(rec)) { _, port in
            let r = try request(port, "POST", "/echo", headers: [("Content-Type", "application/json")], body: body)
            #expect(r.status == 200)
            #expect(r.body == body)
            #expect(rec.requests.first?.body == body)
        }
    }

    @Test func largeBodyArrivingInPiecesIsAssembled() throws {
        // 1.5 MiB sent in 64 KiB pieces with pauses: libmicrohttpd hands it to us in many
        // calls, and the handler must see one complete, identical body.
        var body = [UInt8](repeating: 0, count: 1_572_864 + 17)
        for i in body.indices { body[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 8) }
        let rec = Recorder()
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.maxBodySize = 2 << 20
        try withServer(Self.echoRouter(rec), configuration: config) { _, port in
            let c = try TestConnection(port: port)
            try c.send("POST /count HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            var off = 0
            while off < body.count {
                let n = min(65536, body.count - off)
                try c.send(Array(body[off..<off + n]))
                off += n
                if off % (256 << 10) == 0 { usleep(2_000) }
            }
            let r = try c.readResponse()
            #expect(r.status == 200)
            #expect(r.text == "\(body.count) \(fnv1a(body))")
            #expect(rec.requests.first?.body == body)
        }
    }

    @Test func chunkedBodyIsDecodedIntoTheSameBytes() throws {
        let body = Array("{\"a\":\"\\u00e9\"}".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100_000)
        let rec = Recorder()
        try withServer(Self.echoRouter(rec)) { _, port in
            let c = try TestConnection(port: port)
            try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            var off = 0
            while off < body.count {
                let n = min(7000, body.count - off)
                try c.send(Array(String(n, radix: 16).utf8) + [13, 10] + Array(body[off..<off + n]) + [13, 10])
                off += n
            }
            try c.send("0\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 200)
            #expect(r.body == body)
            #expect(rec.requests.first?.body == body)
        }
    }

    @Test func declaredLengthOverTheLimitIs413BeforeTheBodyIsRead() throws {
        let rec = Recorder()
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.maxBodySize = 1000
        try withServer(Self.echoRouter(rec), configuration: config) { _, port in
            // Only the head is sent: the answer must come without the server waiting for
            // (or buffering) the 50 MB announced.
            let c = try TestConnection(port: port, timeoutSeconds: 5)
            try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 50000000\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 413)
            #expect(r.text == "{\"error\":\"request body larger than 1000 bytes\"}")
            #expect(rec.count == 0)

            // Exactly at the limit is fine.
            let ok = try request(port, "POST", "/count", body: [UInt8](repeating: 1, count: 1000))
            #expect(ok.status == 200)
        }
    }

    // Found by fuzzing (docs/fuzzing.md; fuzz/regressions/fuzz-http-wire/transfer-encoding-not-chunked.http):
    // libmicrohttpd read the body of an unknown transfer coding until the client closed,
    // missed the close, and held the connection until its timeout, with no answer.
    @Test func aTransferEncodingOtherThanChunkedIs400AndCloses() throws {
        let rec = Recorder()
        try withServer(Self.echoRouter(rec)) { _, port in
            for coding in ["gzip", "gzip, chunked", "chu\u{1e}nked", "identity", "chun\u{212A}ed"] {
                let c = try TestConnection(port: port, timeoutSeconds: 5)
                try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: \(coding)\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                let r = try c.readResponse()
                #expect(r.status == 400, "\(coding)")
                #expect(r.text == "{\"error\":\"unsupported Transfer-Encoding (only chunked is accepted)\"}")
                #expect(c.isClosedByPeer(), "\(coding)")
            }
            #expect(rec.count == 0)
            // chunked, in any case, still works.
            let c = try TestConnection(port: port, timeoutSeconds: 5)
            try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 200 && r.text == "abc")
        }
    }

    @Test func expectContinueOverTheLimitGets413InsteadOf100() throws {
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.maxBodySize = 10
        let rec = Recorder()
        try withServer(Self.echoRouter(rec), configuration: config) { _, port in
            let c = try TestConnection(port: port, timeoutSeconds: 5)
            try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
            let (status, _) = try c.readHead()
            #expect(status == 413)
            #expect(rec.count == 0)
        }
    }

    @Test func chunkedBodyOverTheLimitIs413AndNeverReachesTheHandler() throws {
        let rec = Recorder()
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.maxBodySize = 64 << 10
        try withServer(Self.echoRouter(rec), configuration: config) { _, port in
            let c = try TestConnection(port: port)
            try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            let piece = [UInt8](repeating: 0x61, count: 16 << 10)
            for _ in 0..<8 {  // 128 KiB in all
                try c.send(Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10])
            }
            try c.send("0\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 413)
            #expect(rec.count == 0)
        }
    }

    @Test func aChunkedSenderThatNeverStopsIsCutOff() throws {
        let rec = Recorder()
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.maxBodySize = 1024
        try withServer(Self.echoRouter(rec), configuration: config) { _, port in
            let c = try TestConnection(port: port)
            try c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
            let piece = [UInt8](repeating: 0x62, count: 64 << 10)
            let chunk = Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]
            var sent = 0
            var refused = false
            while sent < 64 << 20 {
                do { try c.send(chunk) } catch { refused = true; break }
                sent += piece.count
            }
            // The server stops reading a little past the limit plus its 8 MiB allowance.
            #expect(refused)
            #expect(sent > 8 << 20)
            #expect(sent < 24 << 20)
            #expect(rec.count == 0)
        }
    }
}
