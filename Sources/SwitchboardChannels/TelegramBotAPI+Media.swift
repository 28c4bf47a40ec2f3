import Foundation
import SwitchboardCore

/// Files on Telegram's Bot API: sending one (`sendPhoto`, `sendDocument`, `sendAudio`,
/// `sendVideo`, a `multipart/form-data` upload of the file's bytes) and receiving one
/// (`getFile` for its `file_path`, then `GET {api_url}/file/bot<token>/<file_path>`).
/// Bots download files up to 20 MB and upload up to 50 MB (photos 10 MB).
extension TelegramBotAPI {
    /// The largest file a bot may download (`getFile`).
    public static let maxDownloadBytes = 20 << 20

    /// The method and its file field for a kind of file.
    static func method(forKind kind: String) -> (method: String, field: String) {
        switch kind {
        case "image": ("sendPhoto", "photo")
        case "audio": ("sendAudio", "audio")
        case "video": ("sendVideo", "video")
        default: ("sendDocument", "document")
        }
    }

    /// Uploads `bytes` to `chatID` as `kind` (`image`, `document`, `audio`, `video`), with an
    /// optional caption. Returns the sent message's `message_id`.
    public func sendFile(chatID: Int64, kind: String, bytes: [UInt8], mimeType: String, filename: String,
                         caption: String?, timeout: Duration = .seconds(120)) throws(SendFailure) -> Int64 {
        let (method, field) = Self.method(forKind: kind)
        let boundary = "switchboard-\(UInt64.random(in: 1...UInt64.max))"
        var fields: [(String, String)] = [("chat_id", String(chatID))]
        if let caption, !caption.isEmpty { fields.append(("caption", caption)) }
        let body = Self.multipart(fields: fields, file: (field, filename, mimeType, bytes), boundary: boundary)
        let result = try upload(method, body, contentType: "multipart/form-data; boundary=\(boundary)", timeout: timeout)
        guard let id = result["message_id"]?.int else {
            throw SendFailure(kind: .permanent, title: "\(method) answered ok without result.message_id")
        }
        return Int64(id)
    }

    /// A `multipart/form-data` body: text fields, then the file.
    static func multipart(fields: [(String, String)], file: (field: String, filename: String, mimeType: String, bytes: [UInt8]),
                          boundary: String) -> [UInt8] {
        // The file name goes into a quoted header parameter: keep it to safe characters.
        let safeName = String(file.filename.unicodeScalars.map { s -> Character in
            s.isASCII && s.value >= 0x20 && s != "\"" && s != "\\" ? Character(s) : "_"
        })
        var head = ""
        for (name, value) in fields {
            head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(safeName)\"\r\n"
        head += "Content-Type: \(file.mimeType)\r\n\r\n"
        var out = Array(head.utf8)
        out.reserveCapacity(out.count + file.bytes.count + boundary.utf8.count + 8)
        out += file.bytes
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }

    /// What `getFile` answered: where the file can be downloaded, and its size.
    public struct RemoteFile: Sendable, Equatable {
        public var path: String
        public var size: Int?
    }

    /// `getFile`: the `file_path` of a file id (valid for at least an hour).
    public func getFile(id: String) throws(SendFailure) -> RemoteFile {
        var w = JSONWriter(capacity: 64 + id.utf8.count)
        w.raw("{\"file_id\":")
        w.string(id)
        w.raw("}")
        let result = try call("getFile", w.bytes)
        guard let path = result["file_path"]?.string, !path.isEmpty else {
            throw SendFailure(kind: .permanent, title: "telegram getFile: the file has no file_path (larger than 20 MB, or no longer available)")
        }
        return RemoteFile(path: path, size: result["file_size"]?.int)
    }

    /// Downloads a file `getFile` named, refusing more than `maxBytes`.
    public func download(_ file: RemoteFile, maxBytes: Int) throws(MediaFailure) -> [UInt8] {
        if let size = file.size, size > maxBytes {
            throw MediaFailure(description: "telegram file is \(size) bytes, more than the \(maxBytes) allowed", tooLarge: true)
        }
        // The path comes from Telegram: each segment escaped, so it stays under /file/.
        let path = file.path.split(separator: "/").map { GraphAPIClient.pathEscape(String($0)) }.joined(separator: "/")
        let response: CurlJSONClient.Response
        do {
            response = try client.call(fileBase + path, body: nil, timeout: requestTimeout + .seconds(60), maxBytes: maxBytes)
        } catch {
            throw MediaFailure(description: "telegram file download: \(error.description)", retryable: !error.tooLarge, tooLarge: error.tooLarge)
        }
        guard (200..<300).contains(response.status) else {
            let failure = Self.classify(method: "file download", status: response.status,
                                        envelope: try? JSONReader.read(response.body), retryAfter: response.retryAfter)
            throw MediaFailure(description: failure.description, retryable: failure.isRetryable)
        }
        return response.body
    }

    /// The MIME type of a downloaded file, from its path's extension (Telegram's file
    /// endpoint answers `application/octet-stream`).
    public static func mimeType(ofPath path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "oga", "ogg": "audio/ogg"
        case "mp3": "audio/mpeg"
        case "m4a": "audio/mp4"
        case "mp4": "video/mp4"
        case "webm": "video/webm"
        case "mov": "video/quicktime"
        case "pdf": "application/pdf"
        case "txt": "text/plain"
        case "tgs": "application/x-tgsticker"
        default: "application/octet-stream"
        }
    }

    /// Whether `id` can be a Telegram file id (letters, digits, `-` and `_`): it goes into
    /// a request body only, but anything else is not one.
    public static func isFileID(_ id: String) -> Bool {
        (1...256).contains(id.utf8.count) && id.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95
        }
    }
}
