import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A tiny HTTP/1.1 client over a raw socket, so the tests control exactly which bytes go
/// out and when (bodies in pieces, headers without a body, chunked coding) and see
/// exactly what comes back.
struct TestClientError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

struct TestResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
    var text: String { String(decoding: body, as: UTF8.self) }
}

final class TestConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 10) throws {
        var v6 = in6_addr()
        let isV6 = inet_pton(AF_INET6, host, &v6) == 1
        fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc: Int32
        if isV6 {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = UInt16(port).bigEndian
            sa.sin6_addr = v6
            rc = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &sa.sin_addr)
            rc = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        if rc != 0 {
            let e = errno
            // No close here: the object is fully initialised, so a throw runs deinit, which
            // closes fd; closing it here too closed whatever descriptor took the number
            // meanwhile (another test's server socket: libmicrohttpd then aborted on its
            // epoll set).
            throw TestClientError("connect to \(host):\(port): \(String(cString: strerror(e)))")
        }
    }

    deinit { Glibc.close(fd) }

    /// Whether a new connection to `port` gets no answer: refused, or accepted and closed
    /// before any response (how a stopping server treats new connections).
    static func getsNoAnswer(port: Int) -> Bool {
        guard let connection = try? TestConnection(port: port, timeoutSeconds: 2) else { return true }
        try? connection.send("GET /anything HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return (try? connection.readHead()) == nil
    }

    func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TestClientError("send: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return true }
            if n == 0 { return false }
            if errno == EINTR { continue }
            throw TestClientError("recv: \(String(cString: strerror(errno)))")
        }
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw TestClientError("connection closed while reading a line") }
        }
    }

    private func readExactly(_ n: Int) throws -> [UInt8] {
        while buffer.count < n {
            guard try fill() else { throw TestClientError("connection closed after \(buffer.count) of \(n) bytes") }
        }
        let out = Array(buffer[..<n])
        buffer.removeFirst(n)
        return out
    }

    /// Reads the status line and headers.
    func readHead() throws -> (status: Int, headers: [(name: String, value: String)]) {
        var statusLine = try readLine()
        var status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty {
                if status == 100 {  // 100 Continue: the real response follows
                    statusLine = try readLine()
                    status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
                    continue
                }
                break
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return (status, headers)
    }

    /// Reads one chunk of a chunked body; nil after the last.
    func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
            throw TestClientError("bad chunk size line '\(sizeLine)'")
        }
        if size == 0 {
            while try !readLine().isEmpty {}  // trailers
            return nil
        }
        let data = try readExactly(size)
        _ = try readLine()
        return data
    }

    func readResponse(method: String = "GET") throws -> TestResponse {
        let (status, headers) = try readHead()
        func header(_ n: String) -> String? { headers.first { $0.name.lowercased() == n }?.value }
        var body: [UInt8] = []
        if method == "HEAD" || status == 204 || status == 304 {
            // no body
        } else if header("transfer-encoding")?.lowercased() == "chunked" {
            while let chunk = try readChunk() { body += chunk }
        } else if let length = header("content-length").flatMap({ Int($0) }) {
            body = try readExactly(length)
        } else {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// True when the server has closed the connection (read returns end of stream).
    func isClosedByPeer() -> Bool {
        if !buffer.isEmpty { return false }
        return (try? fill()) == false
    }
}

/// Builds a request's bytes.
func requestBytes(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                  close: Bool = true) -> [UInt8] {
    var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
    for (k, v) in headers { head += "\(k): \(v)\r\n" }
    if let body, !headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
        head += "Content-Length: \(body.count)\r\n"
    }
    if close { head += "Connection: close\r\n" }
    head += "\r\n"
    return Array(head.utf8) + (body ?? [])
}

/// One request on a fresh connection.
func request(_ port: Int, _ method: String, _ target: String, headers: [(String, String)] = [],
             body: [UInt8]? = nil, host: String = "127.0.0.1") throws -> TestResponse {
    let c = try TestConnection(port: port, host: host)
    try c.send(requestBytes(method, target, headers: headers, body: body))
    return try c.readResponse(method: method)
}
