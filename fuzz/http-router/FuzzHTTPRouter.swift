import FuzzHTTPRoutes
import FuzzSupport
import SwitchboardHTTP

// fuzz-http-router: the request side of SwitchboardHTTP without a socket: route
// matching and percent-decoding of path segments (HTTPRouter.resolve), the target split
// into path and query items (HTTPRequest), header lookup (HTTPHeaders), and dispatch
// (HTTPRouter.respond) over the host's route patterns. Input: a method line, a target
// line, then header lines `Name: value` (what libmicrohttpd hands over, minus the wire
// syntax); fuzz-http-wire sends raw bytes through the real server instead.
// Properties: resolve and respond agree; a match binds every {parameter} of its pattern
// to a non-empty value and its literal segments equal the decoded path's; 405 lists
// allowed methods that do route; a header set on HTTPHeaders reads back.

let router = FuzzRoutes.router()

#if FUZZING
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzMain.writeSeedsIfAsked(FuzzHTTPRouter.seeds)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzHTTPRouter.test(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum Replay {
    static func main() { FuzzMain.replay(seeds: FuzzHTTPRouter.seeds, FuzzHTTPRouter.test) }
}
#endif

enum FuzzHTTPRouter {
    static func test(_ input: UnsafeRawBufferPointer) {
        check(Array(input))
    }

    static func check(_ bytes: [UInt8]) {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 2 else { return }
        let method = lines[0]
        let target = lines[1]
        var headers = HTTPHeaders()
        for line in lines.dropFirst(2) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces())
        }

        let request = HTTPRequest(method: method, target: target, headers: headers, body: bytes)
        let response = router.respond(to: request)
        let rawPath = target.prefix { $0 != "?" && $0 != "#" }
        switch router.resolve(method: method, rawPath: rawPath) {
        case .notFound:
            fuzzCheck(response.status == 404, "resolve says not found, respond says \(response.status)")
        case .methodNotAllowed(let pattern, let allowed):
            fuzzCheck(response.status == 405)
            fuzzCheck(response.headers["Allow"] == allowed.joined(separator: ", "))
            fuzzCheck(!allowed.isEmpty, "405 on \(pattern) with no allowed method")
            for m in allowed where m != "HEAD" {
                if case .matched = router.resolve(method: m, rawPath: rawPath) {} else {
                    fuzzFail("Allow lists \(m) for \(pattern) but \(m) does not route")
                }
            }
        case .matched(let pattern, let parameters, _, _):
            if response.deferred == nil && response.stream == nil {
                fuzzCheck(response.headers["X-Route"] == pattern, "respond took another route than resolve")
            }
            checkMatch(pattern: pattern, parameters: parameters, rawPath: rawPath)
        }

        // Header lookup ignores ASCII case (and only that: RFC 9110 field names are
        // ASCII), and a set replaces every field of the name.
        if let first = headers.fields.first {
            var h = headers
            h[asciiCase(first.name, upper: true)] = "fuzz"
            fuzzCheck(h[asciiCase(first.name, upper: false)] == "fuzz", "a header set in upper case is not found in lower case")
            fuzzCheck(h.values(first.name).count == 1)
            h[first.name] = nil
            fuzzCheck(!h.contains(first.name))
        }
    }

    static func asciiCase(_ s: String, upper: Bool) -> String {
        String(decoding: s.utf8.map { c in
            upper ? (c >= 97 && c <= 122 ? c - 32 : c) : (c >= 65 && c <= 90 ? c + 32 : c)
        }, as: UTF8.self)
    }

    /// The literal segments of `pattern` are the path's decoded segments, and each
    /// `{name}` is bound to its segment.
    static func checkMatch(pattern: String, parameters: [String: String], rawPath: Substring) {
        let patternSegments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var pathSegments = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        if rawPath.hasPrefix("/") { pathSegments = Array(pathSegments.dropFirst()) }
        if rawPath == "/" || rawPath.isEmpty { pathSegments = [] }
        for (k, seg) in patternSegments.enumerated() {
            if seg.hasSuffix("...}") {
                fuzzCheck(parameters[String(seg.dropFirst().dropLast(4))] != nil, "rest parameter unbound")
                return
            }
            fuzzCheck(k < pathSegments.count, "pattern \(pattern) longer than path \(rawPath)")
            if seg.hasPrefix("{") {
                let value = parameters[String(seg.dropFirst().dropLast())]
                fuzzCheck(value != nil && !value!.isEmpty, "parameter \(seg) of \(pattern) unbound on \(rawPath)")
            } else {
                fuzzCheck(percentDecoded(pathSegments[k]) == seg, "literal \(seg) of \(pattern) matched \(pathSegments[k])")
            }
        }
        fuzzCheck(patternSegments.count == pathSegments.count, "pattern \(pattern) shorter than path \(rawPath)")
    }

    /// An independent percent-decoder (valid `%XX` escapes only, no `+`), to compare with the router's.
    static func percentDecoded(_ s: Substring) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let texts = [
            "GET\n/healthz\n",
            "POST\n/webhooks/whatsapp/main\nContent-Type: application/json\nX-Hub-Signature-256: sha256=00\n",
            "GET\n/webhooks/whatsapp/main?hub.mode=subscribe&hub.verify_token=demo-verify-token&hub.challenge=1158201444\n",
            "GET\n/chat/demo/events?visitor=v_1\nAccept: text/event-stream\n",
            "POST\n/chat/d%C3%A9mo/messages\nContent-Type: application/x-www-form-urlencoded\n",
            "GET\n/inbox/app.js\nCookie: sb_session=abc; theme=dark\n",
            "DELETE\n/api/v1/me\n",
            "HEAD\n/api/v1/conversations?status=open&limit=50&q=a+b%20c\nAuthorization: Bearer sbt_x\n",
            "GET\n/api/v1/messages/..%2F..%2Fme/media\n",
            "GET\n/static/a/b/../c?echo=x%0D%0AInjected:%201\n",
            "OPTIONS\n*\n",
            "GET\nhttp://host/healthz#frag\n",
        ]
        return texts.enumerated().map { (name: "seed-\($0.offset).txt", bytes: Array($0.element.utf8)) }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
