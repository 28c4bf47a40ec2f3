import SwitchboardCore

/// A failed call to an Evolution API gateway, classified for the outbox and the session
/// supervisor.
///
/// - connection refused, timeout, reset, 5xx, an HTML 502 from a proxy: `.retryable`, and
///   `gatewayUnreachable` (the supervisor holds the outbox and probes with backoff);
/// - 429: `.rateLimited`, with `Retry-After` when given;
/// - 401/403 (wrong `apikey`), 404 (no such instance): `.auth`, the channel's
///   configuration is wrong: its sender stops and holds its messages;
/// - 400 "Connection Closed" and the like (the session dropped under the send):
///   `.retryable` and `sessionClosed` (the supervisor probes);
/// - 400 with `exists: false` (the number is not on WhatsApp) and any other 400:
///   `.permanent`.
public struct EvolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: SendFailureKind
    /// The HTTP status, 0 when no answer came.
    public var httpStatus: Int
    /// What went wrong, as the gateway said it (or libcurl).
    public var title: String
    public var retryAfter: Duration?
    /// No answer, or an answer from something that is not the gateway at work.
    public var gatewayUnreachable = false
    /// The gateway answered that its WhatsApp session is not open.
    public var sessionClosed = false
    /// The number is not on WhatsApp.
    public var notOnWhatsApp = false
    /// The request may have been carried out although no answer came (a timeout after
    /// sending): a retry could send twice.
    public var ambiguous = false

    public init(kind: SendFailureKind, httpStatus: Int, title: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.title = title
        self.retryAfter = retryAfter
    }

    public var description: String {
        "evolution api \(kind.rawValue)\(httpStatus > 0 ? " (HTTP \(httpStatus))" : ""): \(title)"
    }

    public static func transport(curlCode: Int, message: String) -> EvolutionError {
        var e = EvolutionError(kind: .retryable, httpStatus: 0, title: "curl error \(curlCode): \(message)")
        e.gatewayUnreachable = true
        e.ambiguous = [28, 52, 55, 56].contains(curlCode)
        return e
    }

    /// Classifies a non-2xx answer from its status and Evolution's error envelope
    /// (`{status, error, response: {message: [...]}}`).
    public static func classify(httpStatus: Int, body: [UInt8], retryAfter: Duration?) -> EvolutionError {
        let json = try? JSONReader.read(body)
        let messages: [JSONValue] = json?["response"]?["message"]?.array
            ?? json?["response"]?["message"].map { [$0] } ?? json?["message"].map { [$0] } ?? []
        var words: [String] = []
        var notOnWhatsApp = false
        // Schema refusals come nested (`message: [["mediatype is not one of ..."]]`).
        for m in messages.flatMap({ $0.array ?? [$0] }) {
            if let s = m.string { words.append(s) }
            if m.isObject, m["exists"]?.bool == false {
                notOnWhatsApp = true
                words.append("\(m["number"]?.string ?? m["jid"]?.string ?? "the number") is not on WhatsApp")
            }
        }
        let title = words.isEmpty ? (json?["error"]?.string ?? "HTTP \(httpStatus)") : words.joined(separator: "; ")
        var e: EvolutionError
        switch httpStatus {
        case 429:
            e = EvolutionError(kind: .rateLimited, httpStatus: httpStatus, title: title, retryAfter: retryAfter)
        case 401, 403:
            e = EvolutionError(kind: .auth, httpStatus: httpStatus, title: "the gateway refused the api_key: \(title)")
        case 404:
            e = EvolutionError(kind: .auth, httpStatus: httpStatus, title: "the gateway does not know this instance or route: \(title)")
        case 413:
            e = EvolutionError(kind: .permanent, httpStatus: httpStatus,
                               title: "the gateway refused the request as too large (raise its body limit): \(title)")
        case 400..<500:
            e = EvolutionError(kind: .permanent, httpStatus: httpStatus, title: title)
            let lower = title.lowercased()
            if !notOnWhatsApp, lower.contains("connection closed") || lower.contains("not connected")
                || lower.contains("connection lost") || lower.contains("timed out") {
                e.kind = .retryable
                e.sessionClosed = true
            }
            e.notOnWhatsApp = notOnWhatsApp
        default:
            e = EvolutionError(kind: .retryable, httpStatus: httpStatus, title: title, retryAfter: retryAfter)
            e.gatewayUnreachable = json == nil || httpStatus >= 502
        }
        return e
    }
}
