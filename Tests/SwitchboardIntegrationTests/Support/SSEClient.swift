import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Reads a server-sent event stream from the host under test over a raw socket, and
/// collects the `data:` lines of its events.
final class SSEClient: @unchecked Sendable {
    private let fd: Int32
    private var raw: [UInt8] = []

    init(port: UInt16, path: String, headers: [String: String] = [:]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // No close here: the object is fully initialised, so a throw runs deinit, which closes
        // fd; closing it here too closed whatever descriptor took the number meanwhile
        // (another test's server socket: libmicrohttpd then aborted on its epoll set).
        guard rc == 0 else { throw HTTPClient.Failure(description: "connect failed") }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    deinit { close(fd) }

    /// Everything received so far, as text.
    var text: String { String(decoding: raw, as: UTF8.self) }

    /// The `data:` payloads received so far.
    var dataLines: [String] {
        text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
    }

    /// Reads until `condition` holds on the data lines or `timeout` passes.
    @discardableResult
    func read(timeout: Double, until condition: ([String]) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        var buf = [UInt8](repeating: 0, count: 65536)
        while Date() < end {
            if condition(dataLines) { return true }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { raw.append(contentsOf: buf[0..<n]) } else if n == 0 { break }
        }
        return condition(dataLines)
    }
}
