import Foundation
import SwitchboardCore

/// A failed Graph API call, classified for the sender: retry it, slow down, hold one
/// recipient, switch to a template, stop the channel, or record the failure.
///
/// Classified by the Graph `error.code` first (Meta's own advice; the HTTP status of
/// throttling errors varies between 400 and 429), then by the HTTP status, then by the
/// transport error. See `classify(httpStatus:body:retryAfter:)`.
public struct GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// retryable: 5xx, timeouts, connection errors, 131000, 131016.
    /// rateLimited: 130429 (throughput), 4 (app call limit), 80007 (WABA limit), HTTP 429.
    /// pairRateLimited: 131056, this recipient only, after ≥ 6 s.
    /// reengagement: 131047, more than 24 h since the customer wrote.
    /// auth: 190, 0, HTTP 401.
    /// permanent: anything else.
    public typealias Kind = SendFailureKind

    public var kind: Kind
    /// The HTTP status, nil when no HTTP answer came (connection refused, timeout).
    public var httpStatus: Int?
    /// The Graph `error.code`, when the body carried one.
    public var code: Int?
    /// The Graph `error.message` (`"(#131056) ... pair rate limit hit"`), or what went
    /// wrong on the way (`"curl error 28: Timeout was reached"`).
    public var title: String
    /// The Graph `error.error_data.details`, when present.
    public var details: String?
    /// How long the provider asked to wait (`Retry-After`), when it said.
    public var retryAfter: Duration?
    /// The libcurl error code of a transport failure.
    public var curlCode: Int?
    /// True when the provider may have accepted the message although the call failed (a
    /// timeout after the request went out, a reset, an HTML 502): a retry can make a
    /// duplicate. The outbox retries anyway (at-least-once) and journals the ambiguity.
    public var ambiguous: Bool
    /// A media download refused or stopped because it is larger than allowed.
    public var tooLarge = false

    public init(kind: Kind, httpStatus: Int? = nil, code: Int? = nil, title: String, details: String? = nil,
                retryAfter: Duration? = nil, curlCode: Int? = nil, ambiguous: Bool = false) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.title = title
        self.details = details
        self.retryAfter = retryAfter
        self.curlCode = curlCode
        self.ambiguous = ambiguous
    }

    /// Whether the sender should try the same call again later.
    public var isRetryable: Bool { kind.isRetryable }

    /// The shortest wait before retrying, to pass as `RetryPolicy.delay(attempt:floor:random:)`'s
    /// floor: the provider's `Retry-After` when it gave one, and at least 6 s after a
    /// pair rate limit and 1 s after a throughput limit (Meta's guidance). Nil when the
    /// backoff alone decides.
    public var retryFloor: Duration? {
        let minimum: Duration? = switch kind {
        case .pairRateLimited: .seconds(6)
        case .rateLimited: .seconds(1)
        default: nil
        }
        switch (minimum, retryAfter) {
        case (nil, nil): return nil
        case (let m?, nil): return m
        case (nil, let r?): return r
        case (let m?, let r?): return max(m, r)
        }
    }

    public var description: String {
        var s = "graph api \(kind.rawValue)"
        if let httpStatus { s += " (HTTP \(httpStatus))" }
        if let code { s += " code \(code)" }
        s += ": \(title)"
        if let details, !details.isEmpty { s += " — \(details)" }
        return s
    }

    // MARK: - Classification

    static let rateLimitCodes: Set<Int> = [4, 80007, 130429]
    static let pairRateLimitCodes: Set<Int> = [131056]
    /// 131000 something went wrong, 131016 service unavailable, 131057 maintenance mode,
    /// 1 and 2: Graph's generic "temporary issue" codes.
    static let retryableCodes: Set<Int> = [1, 2, 131000, 131016, 131057]
    static let reengagementCodes: Set<Int> = [131047]
    static let authCodes: Set<Int> = [0, 190]

    /// The kind for a Graph error code; nil for a code this table does not know.
    public static func kind(forCode code: Int) -> Kind? {
        if rateLimitCodes.contains(code) { return .rateLimited }
        if pairRateLimitCodes.contains(code) { return .pairRateLimited }
        if retryableCodes.contains(code) { return .retryable }
        if reengagementCodes.contains(code) { return .reengagement }
        if authCodes.contains(code) { return .auth }
        return nil
    }

    /// Classifies a non-2xx answer. A known `error.code` decides; an unknown code or no
    /// Graph error body falls back to the status: 401 auth, 429 rate limited, 5xx
    /// retryable (ambiguous when the body is not a Graph error, an HTML 502 for
    /// instance, since the message may already be accepted), other 4xx permanent.
    /// `is_transient: true` on an unknown code makes it retryable.
    public static func classify(httpStatus: Int, body: [UInt8], retryAfter: Duration? = nil) -> GraphError {
        guard let error = (try? JSONReader.read(body))?["error"], error.isObject else {
            let snippet = String(decoding: body.prefix(120), as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            let title = "HTTP \(httpStatus) without a Graph error body" + (snippet.isEmpty ? "" : ": \(snippet)")
            return GraphError(kind: statusKind(httpStatus), httpStatus: httpStatus, title: title,
                              retryAfter: retryAfter, ambiguous: httpStatus >= 500)
        }
        let code = error["code"]?.int
        let title = error["message"]?.string ?? error["error_user_title"]?.string ?? "HTTP \(httpStatus)"
        let details = error["error_data"]?["details"]?.string ?? error["error_user_msg"]?.string
        var kind: Kind
        if let code, let known = GraphError.kind(forCode: code) {
            kind = known
        } else if httpStatus == 401 {
            kind = .auth
        } else if error["is_transient"]?.bool == true {
            kind = .retryable
        } else {
            kind = statusKind(httpStatus)
        }
        if httpStatus == 401 && kind == .permanent { kind = .auth }
        return GraphError(kind: kind, httpStatus: httpStatus, code: code, title: title, details: details,
                          retryAfter: retryAfter, ambiguous: false)
    }

    static func statusKind(_ status: Int) -> Kind {
        switch status {
        case 401: .auth
        case 429: .rateLimited
        case 500...599: .retryable
        default: .permanent
        }
    }

    /// Classifies a libcurl failure (no HTTP answer). Every transport failure is
    /// retryable: a refused connection, an unknown host or a TLS problem holds the
    /// messages (the circuit breaker opens) rather than failing them. Timeouts (28),
    /// empty replies (52) and send/receive errors (55, 56) are ambiguous: the request may
    /// have reached the provider.
    public static func transport(curlCode: Int, message: String) -> GraphError {
        let ambiguous = [28, 52, 55, 56].contains(curlCode)
        return GraphError(kind: .retryable, title: "curl error \(curlCode): \(message)",
                          curlCode: curlCode, ambiguous: ambiguous)
    }
}
