/// A scripted answer of the fake Graph API, instead of a success.
public enum FakeGraphFailure: Sendable, Equatable {
    /// HTTP 500 with Graph error 131000 ("Something went wrong").
    case serverError
    /// HTTP 502 with an HTML body and no Graph error (a proxy in front of the API).
    case htmlBadGateway
    /// HTTP 400 with 130429 (throughput limit hit).
    case throughputLimit
    /// HTTP 400 with 131056 (pair rate limit hit).
    case pairRateLimit
    /// HTTP 400 with 131047 (re-engagement: more than 24 h since the customer wrote).
    case reengagement
    /// HTTP 401 with 190 (access token expired), whatever token was sent.
    case expiredToken
    /// HTTP 400 with 100 (invalid parameter).
    case invalidParameter
    /// Any Graph error; `retryAfter` adds a `Retry-After` header (seconds).
    case graph(httpStatus: Int, code: Int, title: String, details: String, retryAfter: Int? = nil)
    /// Close the connection without answering.
    case reset
}
