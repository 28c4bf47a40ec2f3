import Glibc

/// Where the HTTP server listens: `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`.
/// Port 0 asks the system for a free port (tests do this and read the port back).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host without brackets: `127.0.0.1`, `::1`, `localhost`.
    public var host: String
    public var port: Int
    /// True for 127.0.0.0/8, ::1 and localhost: reachable from this machine only.
    public var isLoopback: Bool
    public var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `host:port`; the error text says what is wrong.
    public static func parse(_ text: String) -> Result<ListenAddress, ConfigProblem> {
        let expected = "expected host:port (an IPv4 address, an IPv6 address in brackets, or localhost), got '\(text)'"
        let host: String, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.init(message: expected)) }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(.init(message: expected)) }
            portText = rest.dropFirst()
            var addr = in6_addr()
            guard inet_pton(AF_INET6, host, &addr) == 1 else {
                return .failure(.init(message: "'\(host)' is not an IPv6 address in '\(text)'"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return .failure(.init(message: expected)) }
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                return .failure(.init(message: "an IPv6 address needs brackets: '[\(host)]:\(portText)'"))
            }
            var addr = in_addr()
            guard host == "localhost" || inet_pton(AF_INET, host, &addr) == 1 else {
                return .failure(.init(message: expected))
            }
        }
        guard !portText.isEmpty, portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let port = Int(portText), port <= 65535 else {
            return .failure(.init(message: "port must be a number from 0 to 65535, got '\(portText)' in '\(text)'"))
        }
        return .success(ListenAddress(host: host, port: port, isLoopback: isLoopbackHost(host)))
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { $0[0] == 127 }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { b in b[0..<15].allSatisfy { $0 == 0 } && b[15] == 1 }
        }
        return false
    }
}
