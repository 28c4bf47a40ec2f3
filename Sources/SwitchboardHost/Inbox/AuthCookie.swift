import Foundation
import SwitchboardHTTP

/// The `sb_session` cookie: what a login sets, what a logout (or a stale cookie) clears,
/// and how it is read back from `Cookie` headers.
enum AuthCookie {
    static let name = "sb_session"

    /// `sb_session=<id>; HttpOnly; SameSite=Strict; Path=/; Max-Age=<seconds>`, plus
    /// `Secure` when a TLS-terminating proxy says the request came over HTTPS
    /// (`X-Forwarded-Proto: https`). Without a proxy the host speaks plain HTTP on
    /// loopback, where browsers would drop a `Secure` cookie.
    static func set(_ sessionID: String, maxAge: Int, request: HTTPRequest) -> String {
        "\(name)=\(sessionID); HttpOnly; SameSite=Strict; Path=/; Max-Age=\(max(0, maxAge))" + secure(request)
    }

    /// Tells the browser to forget the cookie.
    static func clear(request: HTTPRequest) -> String {
        "\(name)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" + secure(request)
    }

    private static func secure(_ request: HTTPRequest) -> String {
        request.headers["X-Forwarded-Proto"]?.lowercased() == "https" ? "; Secure" : ""
    }

    /// The session id from the request's `Cookie` headers, or nil.
    static func sessionID(_ request: HTTPRequest) -> String? {
        for header in request.headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard let eq = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<eq] == name {
                    let value = String(trimmed[trimmed.index(after: eq)...])
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}
