import CCurl
import Foundation
import SwitchboardCore

/// Sending media on the Graph API: upload the file to the number's media endpoint
/// (`POST /{phone_number_id}/media`, multipart: `messaging_product`, `type`, `file`),
/// which answers a media id valid for 30 days, then send a message that names the id
/// (`type: image` or `document`, wire-formats 1.8).
extension GraphAPIClient {
    /// What an agent may attach, and WhatsApp's size limit for each type (checked
    /// before anything is stored or uploaded).
    public enum OutboundMedia {
        public static let image: [String: Int] = ["image/jpeg": 5 << 20, "image/png": 5 << 20]
        public static let document: [String: Int] = [
            "application/pdf": 100 << 20, "text/plain": 100 << 20,
            "application/msword": 100 << 20, "application/vnd.ms-excel": 100 << 20,
            "application/vnd.ms-powerpoint": 100 << 20,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 << 20,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 << 20,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 << 20,
        ]

        /// `image` or `document` and the limit in bytes, or nil for a type WhatsApp does
        /// not take as an attachment.
        public static func kind(of mimeType: String) -> (kind: String, maxBytes: Int)? {
            if let max = image[mimeType] { return ("image", max) }
            if let max = document[mimeType] { return ("document", max) }
            return nil
        }

        /// Captions are at most 1024 characters.
        public static let captionCharacters = 1024
    }

    /// Uploads a file and returns the provider's media id.
    public func uploadMedia(_ bytes: [UInt8], mimeType: String, filename: String) throws(GraphError) -> String {
        let boundary = "switchboard-\(UInt64.random(in: 1...UInt64.max))"
        let body = GraphAPIClient.multipartBody(bytes, mimeType: mimeType, filename: filename, boundary: boundary)
        var headers = curl_slist_append(nil, "Authorization: Bearer \(configuration.accessToken)")
        headers = curl_slist_append(headers, "Content-Type: multipart/form-data; boundary=\(boundary)")
        headers = curl_slist_append(headers, "Accept: application/json")
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        let url = "\(configuration.graphURL)/\(GraphAPIClient.pathEscape(configuration.phoneNumberID))/media"
        let response = try perform(url: url, body: body, headers: headers, timeout: configuration.downloadTimeout,
                                   maxBytes: 1 << 20, followRedirects: false)
        let answer = try GraphAPIClient.decodeSuccess(response)
        guard let id = answer["id"]?.stringOrNumber, !id.isEmpty else {
            throw GraphError(kind: .permanent, httpStatus: response.status, title: "the media upload answered without an id",
                             ambiguous: true)
        }
        return id
    }

    static func multipartBody(_ bytes: [UInt8], mimeType: String, filename: String, boundary: String) -> [UInt8] {
        // The file name goes into a quoted header parameter: keep it to safe characters.
        let safeName = String(filename.unicodeScalars.map { s -> Character in
            s.isASCII && s.value >= 0x20 && s != "\"" && s != "\\" ? Character(s) : "_"
        })
        var head = ""
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n\(mimeType)\r\n"
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n"
        head += "Content-Type: \(mimeType)\r\n\r\n"
        var out = Array(head.utf8)
        out.reserveCapacity(out.count + bytes.count + boundary.utf8.count + 8)
        out += bytes
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }

    /// Sends an uploaded file by its media id: `kind` is `image` or `document`.
    public func sendMedia(to recipient: WhatsAppRecipient, kind: String, mediaID: String, caption: String?,
                          filename: String?) throws(GraphError) -> GraphSendReceipt {
        try receipt(postJSON(GraphAPIClient.mediaMessageBody(to: recipient, kind: kind, mediaID: mediaID,
                                                             caption: caption, filename: filename)))
    }

    public static func mediaMessageBody(to recipient: WhatsAppRecipient, kind: String, mediaID: String, caption: String?,
                                        filename: String?) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"messaging_product\":\"whatsapp\",")
        writeRecipient(recipient, &w)
        let document = kind == "document"
        w.raw(document ? "\"type\":\"document\",\"document\":{\"id\":" : "\"type\":\"image\",\"image\":{\"id\":")
        w.string(mediaID)
        if let caption, !caption.isEmpty {
            w.raw(",\"caption\":")
            w.string(caption)
        }
        if document, let filename, !filename.isEmpty {
            w.raw(",\"filename\":")
            w.string(filename)
        }
        w.raw("}}")
        return w.bytes
    }
}
