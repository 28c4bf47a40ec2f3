import Foundation
import SwitchboardCore
import SwitchboardLog

/// Telegram's Bot API for one bot (`{api_url}/bot<token>/<method>`, JSON bodies), over
/// one kept-alive `CurlJSONClient`. Every answer is the envelope `{"ok", "result",
/// "error_code", "description", "parameters": {"retry_after", "migrate_to_chat_id"}}`;
/// a failure comes back classified as a `SendFailure`:
///
/// | answer                         | kind          |
/// |--------------------------------|---------------|
/// | 429 (`parameters.retry_after`) | rate limited, not before `retry_after` |
/// | 5xx, no answer, timeout        | retryable     |
/// | 401, 404 (token refused)       | auth          |
/// | 400, 403 (blocked), 413, others| permanent     |
///
/// 409 (a webhook is set, or another poller runs) is permanent for a call; the poll
/// loop backs off on it.
public final class TelegramBotAPI: @unchecked Sendable {
    private let base: String
    /// Where files are downloaded: `{api_url}/file/bot<token>/`.
    let fileBase: String
    let client: CurlJSONClient
    public let requestTimeout: Duration

    /// `cancellable`: `cancel()` may end a call in flight (the long poll's client).
    public init(apiURL: String, botToken: String, requestTimeout: Duration = .seconds(30), cancellable: Bool = false) {
        var url = apiURL
        while url.hasSuffix("/") { url.removeLast() }
        self.base = "\(url)/bot\(botToken)/"
        self.fileBase = "\(url)/file/bot\(botToken)/"
        self.requestTimeout = requestTimeout
        self.client = CurlJSONClient(cancellable: cancellable)
    }

    /// Ends the call in flight (a long poll) within about a second, and every later call
    /// at once: the token it holds is no longer the channel's, or the channel stops.
    public func cancel() { client.cancel() }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { client.isCancelled }

    /// `sendMessage`: a text to `chatID`, with one inline-keyboard row per button (the
    /// button's title is its `callback_data`, cut to Telegram's 64 bytes). Returns the
    /// sent message's `message_id`.
    public func sendMessage(chatID: Int64, text: String, buttons: [String]) throws(SendFailure) -> Int64 {
        var w = JSONWriter(capacity: 96 + text.utf8.count)
        w.raw("{\"chat_id\":")
        w.int(chatID)
        w.raw(",\"text\":")
        w.string(text)
        if !buttons.isEmpty {
            w.raw(",\"reply_markup\":{\"inline_keyboard\":[")
            for (i, b) in buttons.enumerated() {
                w.raw(i == 0 ? "[{\"text\":" : ",[{\"text\":")
                w.string(b)
                w.raw(",\"callback_data\":")
                w.string(Self.callbackData(b))
                w.raw("}]")
            }
            w.raw("]}")
        }
        w.raw("}")
        let result = try call("sendMessage", w.bytes)
        guard let id = result["message_id"]?.int else {
            throw SendFailure(kind: .permanent, title: "sendMessage answered ok without result.message_id")
        }
        return Int64(id)
    }

    /// `getUpdates` with `offset` (the last update_id + 1), waiting up to `timeout`
    /// seconds. Returns the updates as read, and the body they were read from (for each
    /// update's exact bytes).
    public func getUpdates(offset: Int64?, timeout: Int, limit: Int = 100) throws(SendFailure) -> (updates: [JSONValue], body: [UInt8]) {
        var w = JSONWriter(capacity: 128)
        w.raw("{\"allowed_updates\":[\"message\",\"callback_query\"],\"limit\":")
        w.int(Int64(limit))
        if let offset {
            w.raw(",\"offset\":")
            w.int(offset)
        }
        w.raw(",\"timeout\":")
        w.int(Int64(timeout))
        w.raw("}")
        let (result, body) = try callWithBody("getUpdates", w.bytes, timeout: .seconds(timeout) + requestTimeout)
        guard let updates = result.array else {
            throw SendFailure(kind: .permanent, title: "getUpdates answered ok without a result array")
        }
        return (updates, body)
    }

    /// `setWebhook`: Telegram posts updates to `url`, with `secretToken` in
    /// `X-Telegram-Bot-Api-Secret-Token`.
    public func setWebhook(url: String, secretToken: String) throws(SendFailure) {
        var w = JSONWriter(capacity: 128 + url.utf8.count)
        w.raw("{\"allowed_updates\":[\"message\",\"callback_query\"],\"secret_token\":")
        w.string(secretToken)
        w.raw(",\"url\":")
        w.string(url)
        w.raw("}")
        _ = try call("setWebhook", w.bytes)
    }

    /// `deleteWebhook` (keeping pending updates): long polling works only without one.
    public func deleteWebhook() throws(SendFailure) {
        _ = try call("deleteWebhook", Array("{\"drop_pending_updates\":false}".utf8))
    }

    /// `getMe`: the cheapest call that needs a valid token. Returns the bot's id.
    public func getMe() throws(SendFailure) -> Int64 {
        let result = try call("getMe", Array("{}".utf8))
        return Int64(result["id"]?.int ?? 0)
    }

    /// `callback_data` is 1-64 bytes: the title, cut on a character boundary.
    static func callbackData(_ title: String) -> String {
        var out = ""
        for c in title {
            if out.utf8.count + String(c).utf8.count > 64 { break }
            out.append(c)
        }
        return out.isEmpty ? "-" : out
    }

    func call(_ method: String, _ body: [UInt8], timeout: Duration? = nil) throws(SendFailure) -> JSONValue {
        try callWithBody(method, body, timeout: timeout).result
    }

    /// A call with a body that is not JSON (a multipart upload).
    func upload(_ method: String, _ body: [UInt8], contentType: String, timeout: Duration) throws(SendFailure) -> JSONValue {
        try callWithBody(method, body, contentType: contentType, timeout: timeout).result
    }

    private func callWithBody(_ method: String, _ body: [UInt8], contentType: String? = nil,
                              timeout: Duration? = nil) throws(SendFailure) -> (result: JSONValue, body: [UInt8]) {
        let response: CurlJSONClient.Response
        do {
            response = try client.call(base + method, body: body, contentType: contentType, timeout: timeout ?? requestTimeout, maxBytes: 8 << 20)
        } catch {
            throw SendFailure(kind: error.tooLarge ? .permanent : .retryable, code: "curl \(error.curlCode)",
                              title: "telegram \(method): \(error.description)")
        }
        let envelope = try? JSONReader.read(response.body)
        if (200..<300).contains(response.status), envelope?["ok"]?.bool == true, let result = envelope?["result"] {
            return (result, response.body)
        }
        throw Self.classify(method: method, status: response.status, envelope: envelope, retryAfter: response.retryAfter)
    }

    /// A failed call's answer as a classified failure.
    static func classify(method: String, status: Int, envelope: JSONValue?, retryAfter header: Duration?) -> SendFailure {
        let code = envelope?["error_code"]?.int ?? status
        let description = envelope?["description"]?.string ?? "HTTP \(status)"
        let retryAfter = envelope?["parameters"]?["retry_after"]?.int.map { Duration.seconds($0) } ?? header
        let kind: SendFailureKind = switch code {
        case 429: .rateLimited
        case 500...599: .retryable
        case 401, 404: .auth
        default: (200..<300).contains(status) ? .retryable : .permanent
        }
        var title = "telegram \(method): \(description)"
        if let migrated = envelope?["parameters"]?["migrate_to_chat_id"]?.int { title += " (chat moved to \(migrated))" }
        return SendFailure(kind: kind, code: String(code), title: title, retryAfter: kind == .rateLimited ? retryAfter : nil,
                           retryFloor: kind == .rateLimited ? (retryAfter ?? .seconds(1)) : nil)
    }
}
