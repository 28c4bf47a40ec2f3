import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One HTTP/1.1 GET over a raw socket, read to the end: status, headers, the de-chunked
/// body, and whether the body ended properly (the final chunk, or all of
/// Content-Length). A response cut off by the server shows as `complete == false`.
final class RawHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var complete: Bool
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    let fd: Int32

    /// Connects and sends the request (without reading anything yet).
    init(port: Int, path: String, headers: [String: String] = [:], timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr)
        let rc = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // No close here: the object is fully initialised, so a throw runs deinit, which closes
        // fd; closing it here too closed whatever descriptor took the number meanwhile
        // (another test's server socket: libmicrohttpd then aborted on its epoll set).
        guard rc == 0 else { throw Failure(description: "connect to port \(port) failed") }
        var request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    deinit { Glibc.close(fd) }

    /// True when nothing has arrived yet (checked without waiting).
    var nothingReceived: Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Reads until the server closes, then parses.
    func response() throws -> Response {
        var raw: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 { raw += chunk[0..<n]; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            if errno == ECONNRESET { break }
            throw Failure(description: "recv: \(String(cString: strerror(errno))) (timeout?)")
        }
        guard let end = Self.find([13, 10, 13, 10], in: raw, from: 0) else { throw Failure(description: "no complete head in \(raw.count) bytes") }
        let head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let rest = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            var i = 0
            while let lineEnd = Self.find([13, 10], in: rest, from: i) {
                let sizeText = String(decoding: rest[i..<lineEnd], as: UTF8.self).split(separator: ";")[0]
                guard let size = Int(sizeText, radix: 16) else { break }
                if size == 0 { return Response(status: status, headers: headers, body: body, complete: true) }
                let start = lineEnd + 2
                guard start + size + 2 <= rest.count else { body += rest[start..<min(rest.count, start + size)]; break }
                body += rest[start..<(start + size)]
                i = start + size + 2
            }
            return Response(status: status, headers: headers, body: body, complete: false)
        }
        let length = headers["content-length"].flatMap { Int($0) }
        return Response(status: status, headers: headers, body: rest, complete: length.map { $0 == rest.count } ?? true)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        for i in from...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
