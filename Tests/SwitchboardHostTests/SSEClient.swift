import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A raw-socket HTTP/1.1 client for server-sent events: sends one GET, reads the head,
/// then undoes the chunked coding and splits the body into events and comments, exactly
/// as they came over the wire.
final class SSEClient {
    struct Frame: Equatable {
        var event: String?
        var id: String?
        var data: String?
        /// The text of a comment line (`: text`), for a frame that is only a comment.
        var comment: String?
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let fd: Int32
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    private var raw: [UInt8] = []      // bytes read from the socket, not yet de-chunked
    private var body: [UInt8] = []     // de-chunked bytes not yet parsed into frames
    private(set) var ended = false

    init(port: Int, path: String, headers extra: [String: String] = [:], timeoutSeconds: Int = 5) throws {
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
        var request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
        for (k, v) in extra { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }
        try readHead()
    }

    deinit { Glibc.close(fd) }

    /// Closes the connection, as a browser tab going away.
    func disconnect() { shutdown(fd, Int32(SHUT_RDWR)) }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 { raw += chunk[0..<n]; return true }
            if n == 0 { return false }
            if errno == EINTR { continue }
            throw Failure(description: "recv: \(String(cString: strerror(errno))) (timeout?)")
        }
    }

    private func line() throws -> String {
        while true {
            if let i = raw.firstIndex(of: 10) {
                var l = Array(raw[..<i])
                raw.removeFirst(i + 1)
                if l.last == 13 { l.removeLast() }
                return String(decoding: l, as: UTF8.self)
            }
            guard try fill() else { throw Failure(description: "connection closed") }
        }
    }

    private func readHead() throws {
        let statusLine = try line()
        status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        while true {
            let l = try line()
            if l.isEmpty { break }
            if let colon = l.firstIndex(of: ":") {
                headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// Reads one chunk into `body`; false at the end of the response.
    private func readChunk() throws -> Bool {
        guard let size = Int(try line().split(separator: ";").first ?? "", radix: 16) else {
            throw Failure(description: "bad chunk size")
        }
        if size == 0 { ended = true; return false }
        while raw.count < size + 2 { guard try fill() else { throw Failure(description: "closed inside a chunk") } }
        body += raw[..<size]
        raw.removeFirst(size + 2)
        return true
    }

    /// The next frame (an event, or a comment); nil when the response ended.
    func next() throws -> Frame? {
        while true {
            if let end = findBlankLine() {
                let text = String(decoding: body[..<end.start], as: UTF8.self)
                body.removeFirst(end.end)
                var frame = Frame()
                var data: [String] = []
                for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    if l.hasPrefix(":") { frame.comment = l.dropFirst().trimmingCharacters(in: .whitespaces) }
                    else if l.hasPrefix("event: ") { frame.event = String(l.dropFirst(7)) }
                    else if l.hasPrefix("id: ") { frame.id = String(l.dropFirst(4)) }
                    else if l.hasPrefix("data: ") { data.append(String(l.dropFirst(6))) }
                }
                if !data.isEmpty { frame.data = data.joined(separator: "\n") }
                return frame
            }
            if ended { return nil }
            guard try readChunk() else { return nil }
        }
    }

    /// The next frame that is an event, skipping comments.
    func nextEvent() throws -> Frame? {
        while let f = try next() { if f.comment == nil || f.data != nil { return f } }
        return nil
    }

    private func findBlankLine() -> (start: Int, end: Int)? {
        guard body.count >= 2 else { return nil }
        for i in 0..<(body.count - 1) where body[i] == 10 && body[i + 1] == 10 { return (i, i + 2) }
        return nil
    }
}
