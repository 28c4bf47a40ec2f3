import Foundation
import SwitchboardCore

/// The webhook route of one channel type (`POST /webhooks/telegram/{channel}`): it
/// verifies and parses a request into an `InboundBatch`, which the host commits through
/// its one ingest path before answering 200. One endpoint serves every channel of its
/// type (the path names the channel, or the app whose numbers it carries).
public protocol WebhookEndpoint: Sendable {
    /// The route pattern, with one `{parameter}` naming the channel or app.
    var path: String { get }
    /// The path parameter's name (`channel`, `app`), used to label metrics and logs.
    var parameter: String { get }
    /// Verifies and parses a POST. Throws a refusal (401, 404, 400, 413): nothing of a
    /// refused request is stored.
    func receive(_ request: WebhookRequest, receivedAt: Date) throws(WebhookRefusal) -> InboundBatch
    /// Answers a GET (a provider's verification handshake); nil: the endpoint has none.
    func handshake(_ request: WebhookRequest) -> (status: Int, body: String)?
}

extension WebhookEndpoint {
    public func handshake(_ request: WebhookRequest) -> (status: Int, body: String)? { nil }
}

/// An HTTP request as an endpoint sees it, without the HTTP server's types.
public struct WebhookRequest: Sendable {
    /// The value of the route's parameter (the channel or app id).
    public var name: String
    public var query: [String: String]
    /// Looks a header up by name, case-insensitively.
    public var header: @Sendable (String) -> String?
    public var body: [UInt8]

    public init(name: String, query: [String: String] = [:], header: @escaping @Sendable (String) -> String?, body: [UInt8]) {
        self.name = name
        self.query = query
        self.header = header
        self.body = body
    }
}

/// Why an endpoint refused a request; nothing of it is stored.
public struct WebhookRefusal: Error, Sendable, CustomStringConvertible {
    public enum Code: Int, Sendable {
        /// The request is not from the provider (bad signature or secret): 401.
        case unauthorized = 401
        /// No channel (or app) has this name: 404.
        case unknownChannel = 404
        /// The body cannot be read: 400.
        case malformed = 400
        /// The body is larger than the endpoint takes: 413.
        case tooLarge = 413
    }
    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The `outcome` label of `switchboard_webhooks_total`.
    public var outcome: String {
        switch code {
        case .unauthorized: "bad_signature"
        case .unknownChannel: "unknown_app"
        case .malformed: "malformed"
        case .tooLarge: "too_large"
        }
    }

    public var description: String { reason }
}
