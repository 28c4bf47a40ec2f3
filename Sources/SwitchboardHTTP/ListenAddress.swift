#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A parsed `host:port`, and the listening socket bound to it.
struct ListenAddress: Sendable, CustomStringConvertible {
    let host: String
    let port: UInt16
    let text: String

    var description: String { text }

    /// Parses `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `*:8080` (all IPv4).
    init(_ text: String) throws(HTTPServerError) {
        self.text = text
        func bad(_ why: String) -> HTTPServerError {
            HTTPServerError(.invalidAddress, "invalid listen address '\(text)': \(why)")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad("missing ] after IPv6 address") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { throw bad("expected :port after ]") }
            portText = after.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw bad("expected host:port") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw bad("write IPv6 addresses in brackets, as [::1]:8080") }
        }
        guard !host.isEmpty else { throw bad("missing host (use 0.0.0.0 for every interface)") }
        guard let port = UInt16(portText) else { throw bad("port must be a number from 0 to 65535") }
        self.host = host == "*" ? "0.0.0.0" : String(host)
        self.port = port
    }

    /// Resolves the host (IP literals; `localhost` is 127.0.0.1; other names through
    /// getaddrinfo), then creates, binds and listens on a non-blocking socket.
    /// Returns the descriptor and the port actually bound.
    func bindAndListen(backlog: Int32 = 511) throws(HTTPServerError) -> (fd: Int32, port: UInt16) {
        var storage = sockaddr_storage()
        var length: socklen_t = 0
        var family: Int32 = 0
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            family = AF_INET
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = port.bigEndian
                sin.pointee.sin_addr = v4
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, name, &v6) == 1 {
            family = AF_INET6
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = port.bigEndian
                sin6.pointee.sin6_addr = v6
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_family = AF_UNSPEC
            var result: UnsafeMutablePointer<addrinfo>?
            let rc = getaddrinfo(name, nil, &hints, &result)
            guard rc == 0, let first = result else {
                throw HTTPServerError(.invalidAddress,
                    "cannot listen on \(text): cannot resolve host '\(host)': \(String(cString: gai_strerror(rc)))")
            }
            defer { freeaddrinfo(result) }
            family = first.pointee.ai_family
            length = first.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(length)))
                if family == AF_INET {
                    raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port = port.bigEndian
                } else {
                    raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port = port.bigEndian
                }
            }
        }

        func failure(_ what: String) -> HTTPServerError {
            let e = errno
            let reason = String(cString: strerror(e)).lowercased()
            return HTTPServerError(e == EADDRINUSE ? .addressInUse : .listenFailed,
                                   "cannot listen on \(text): \(what.isEmpty ? "" : what + ": ")\(reason)")
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw failure("socket") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 && name != "::" {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { let err = failure(""); close(fd); throw err }
        guard listen(fd, backlog) == 0 else { let err = failure(""); close(fd); throw err }

        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        guard named == 0 else { let err = failure("getsockname"); close(fd); throw err }
        let boundPort = withUnsafeBytes(of: &actual) { raw -> UInt16 in
            if family == AF_INET {
                return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            }
            return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
        }
        return (fd, boundPort)
    }

    /// The printable IP of a socket address (`127.0.0.1`, `::1`), or empty.
    static func ipString(_ addr: UnsafePointer<sockaddr>?) -> String {
        guard let addr else { return "" }
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(addr.pointee.sa_family) {
        case AF_INET:
            return addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var a = sin.pointee.sin_addr
                return inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count)) != nil ? ListenAddress.string(buf) : ""
            }
        case AF_INET6:
            return addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                var a = sin6.pointee.sin6_addr
                return inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count)) != nil ? ListenAddress.string(buf) : ""
            }
        default:
            return ""
        }
    }

    private static func string(_ buf: [CChar]) -> String {
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
