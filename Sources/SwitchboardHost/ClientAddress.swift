import Foundation
import SwitchboardConfig
import SwitchboardHTTP

/// Who is on the other end of a request, for per-client limits (failed logins, web chat
/// posts): the peer's address, unless the peer is one of `server.trusted_proxies`. Then
/// `X-Forwarded-For` is read from the right (each proxy appends the address it received
/// the request from) and the first address that is not a trusted proxy is the client:
/// everything left of it was written by the client and proves nothing. With no trusted
/// proxies (the default), `X-Forwarded-For` is ignored, so rotating it gains nothing.
///
///     let clients = ClientAddress(trustedProxies: config.host.server.trustedProxies)
///     limiter.attempt(account: a, address: clients.of(request), now: now)
struct ClientAddress: Sendable {
    let trustedProxies: [IPAddressRange]

    init(trustedProxies: [IPAddressRange] = []) {
        self.trustedProxies = trustedProxies
    }

    func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The client address of `request` (the one function every limit uses).
    func of(_ request: HTTPRequest) -> String {
        var client = request.remoteAddress
        guard isTrusted(client) else { return client }
        // Every X-Forwarded-For header, in order, as one list (RFC 7230 3.2.2).
        let hops = request.headers.values("X-Forwarded-For")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // Not an address: the chain of proxies ends at the last one that vouched.
            guard IPAddressRange.isAddress(Self.stripPort(hop)) else { return client }
            client = Self.stripPort(hop)
            if !isTrusted(client) { return client }
        }
        return client
    }

    /// `[2001:db8::1]:443` or `192.0.2.1:443` as some proxies write them: the address only.
    static func stripPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        if hop.filter({ $0 == ":" }).count == 1, let colon = hop.firstIndex(of: ":") {
            return String(hop[..<colon])
        }
        return hop
    }
}
