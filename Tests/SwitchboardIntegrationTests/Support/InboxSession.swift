import Foundation

/// The inbox API as an agent uses it, against a running `TestHost`: a workspace token,
/// the conversations and their messages, attachments.
struct InboxSession {
    let host: TestHost
    let auth: [String: String]

    /// Creates an API token for `workspace` (before or after the host starts).
    init(_ host: TestHost, workspace: String = "demo") throws {
        let created = try runSwitchboard(["token", "create", "--workspace", workspace, "--name", "agent", "--config", host.configPath],
                                         cwd: host.dir)
        guard created.status == 0, let token = created.stdout.split(separator: "\n").last.map(String.init) else {
            throw HTTPClient.Failure(description: "token create failed: \(created.stderr)")
        }
        self.host = host
        self.auth = ["Authorization": "Bearer \(token)"]
    }

    func get(_ path: String) throws -> HTTPClient.Response { try host.client.get(path, headers: auth) }

    func conversations() throws -> [[String: Any]] {
        ((try get("/api/v1/conversations").json() as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }

    func messages(_ conversation: String) throws -> [[String: Any]] {
        ((try get("/api/v1/conversations/\(conversation)").json() as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
    }

    /// Polls until a message of the (first) conversation matches; returns the
    /// conversation's id and the message.
    func waitForMessage(timeout: Double = 20, _ match: ([String: Any]) -> Bool) throws -> (conversation: String, message: [String: Any]) {
        let deadline = Date().addingTimeInterval(timeout)
        var seen: [[String: Any]] = []
        while Date() < deadline {
            for c in try conversations() {
                guard let id = c["id"] as? String else { continue }
                seen = try messages(id)
                if let m = seen.first(where: match) { return (id, m) }
            }
            usleep(20_000)
        }
        throw HTTPClient.Failure(description: "no such message arrived; last seen: \(seen)")
    }

    /// `POST /conversations/{id}/attachments` with the file as the body.
    func attach(_ conversation: String, _ bytes: [UInt8], type: String, filename: String? = nil,
                caption: String? = nil) throws -> HTTPClient.Response {
        var query: [String] = []
        if let filename { query.append("filename=" + (filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        if let caption { query.append("caption=" + (caption.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        let path = "/api/v1/conversations/\(conversation)/attachments" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return try host.client.post(path, body: bytes, headers: auth.merging(["Content-Type": type]) { a, _ in a })
    }

    /// Polls until message `id` of `conversation` has left the outbox (`sent` or `failed`,
    /// or later statuses); returns it.
    func waitForOutcome(_ conversation: String, message id: String, timeout: Double = 30) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < deadline {
            if let m = try messages(conversation).first(where: { $0["id"] as? String == id }) {
                last = m
                if let s = m["status"] as? String, s != "queued" && s != "sending" { return m }
            }
            usleep(20_000)
        }
        throw HTTPClient.Failure(description: "message \(id) was not sent or failed in time; last: \(last)")
    }

    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<30_000).map { UInt8($0 % 251) }
    static let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<20_000).map { UInt8(32 + $0 % 90) }
}
