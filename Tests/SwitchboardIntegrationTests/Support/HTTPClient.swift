import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a POSIX socket for the integration tests: one
/// request per connection (`Connection: close`), so the test sees exactly what the server
/// wrote. Only for talking to the host under test on 127.0.0.1.
struct HTTPClient {
    struct Response {
        var status: Int
        var headers: [String: String]   // lower-cased names
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body)) }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    let port: UInt16
    var host = "127.0.0.1"
    var timeout: Double = 10

    func get(_ path: String, headers: [String: String] = [:]) throws -> Response {
        try request("GET", path, headers: headers, body: [])
    }

    func post(_ path: String, body: [UInt8], headers: [String: String] = [:]) throws -> Response {
        try request("POST", path, headers: headers, body: body)
    }

    /// Sends only the head of a POST announcing `contentLength` bytes, and reads the
    /// answer: for refusals the server must give before reading a body.
    func postHead(_ path: String, contentLength: Int, headers: [String: String] = [:]) throws -> Response {
        try request("POST", path, headers: headers, body: [], announcedLength: contentLength)
    }

    func request(_ method: String, _ path: String, headers: [String: String], body: [UInt8],
                 announcedLength: Int? = nil) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw Failure(description: "connect to \(host):\(port) failed: \(String(cString: strerror(errno)))") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            head += "Content-Length: \(announcedLength ?? body.count)\r\n"
        }
        head += "\r\n"
        let out = Array(head.utf8) + body
        var off = 0
        // A server may answer before the body is all sent (413 on the announced length) and
        // close: the rest of the send then fails (EPIPE, ECONNRESET). As HTTP clients do,
        // the answer already sent is read and returned; the send's error only without one.
        var sendFailure: String?
        while off < out.count {
            let n = out[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { sendFailure = "send failed: \(String(cString: strerror(errno)))"; break }
            off += n
        }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if sendFailure != nil && !data.isEmpty { break }
                throw Failure(description: sendFailure ?? "recv failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        if let sendFailure, data.isEmpty { throw Failure(description: sendFailure) }
        return try Self.parse(data)
    }

    static func parse(_ data: [UInt8]) throws -> Response {
        guard let sep = data.indices.first(where: { i in i + 3 < data.count && data[i] == 13 && data[i+1] == 10 && data[i+2] == 13 && data[i+3] == 10 }) else {
            throw Failure(description: "no HTTP header in \(data.count) bytes")
        }
        let headText = String(decoding: data[0..<sep], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line") }
        var headers: [String: String] = [:]
        for l in lines {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(sep + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            var j = i
            while j + 1 < b.count && !(b[j] == 13 && b[j+1] == 10) { j += 1 }
            let sizeText = String(decoding: b[i..<j], as: UTF8.self).split(separator: ";").first.map(String.init) ?? "0"
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = j + 2
            out.append(contentsOf: b[start..<min(b.count, start + size)])
            i = start + size + 2
        }
        return out
    }
}
