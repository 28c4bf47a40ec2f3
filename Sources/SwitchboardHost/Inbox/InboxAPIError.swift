import SwitchboardHTTP

/// A refusal of the inbox API, answered as `{"error": sentence}` with its status, plus a
/// machine-readable `code` where a client acts on it (`outside_window`,
/// `invalid_transition`).
struct InboxAPIError: Error, CustomStringConvertible, Equatable {
    let status: Int
    let message: String
    let code: String?

    init(_ status: Int, _ message: String, code: String? = nil) {
        self.status = status
        self.message = message
        self.code = code
    }

    var description: String { "\(status): \(message)" }

    var response: HTTPResponse {
        struct Body: Encodable {
            let error: String
            let code: String?
        }
        return .json(InboxJSON.encode(Body(error: message, code: code)), status: status)
    }

    static func badRequest(_ message: String) -> InboxAPIError { InboxAPIError(400, message) }
    static func notFound(_ message: String) -> InboxAPIError { InboxAPIError(404, message) }
}
