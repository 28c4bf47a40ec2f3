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
        public static let image = OutboundMediaTypes.image
        public static let document = OutboundMediaTypes.document

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

    /// Uploads bytes held in memory and returns the provider's media id (tests, small
    /// files); the sender streams files from the media store with `uploadMedia(fileAt:)`.
    public func uploadMedia(_ bytes: [UInt8], mimeType: String, filename: String) throws(GraphError) -> String {
        try upload(mimeType: mimeType, filename: filename) { part in
            bytes.withUnsafeBytes { raw in
                curl_mime_data(part, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
            }
        }
    }

    /// Uploads the file at `path` and returns the provider's media id. The file is read
    /// by libcurl as it sends (`curl_mime_filedata`), a buffer at a time: memory does not
    /// grow with the file's size. A file that cannot be opened is a permanent failure.
    public func uploadMedia(fileAt path: String, mimeType: String, filename: String) throws(GraphError) -> String {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw GraphError(kind: .permanent, title: "the file to upload cannot be read: \(path)")
        }
        return try upload(mimeType: mimeType, filename: filename) { part in curl_mime_filedata(part, path) }
    }

    /// `POST /{phone_number_id}/media` as multipart/form-data: `messaging_product`,
    /// `type` (the MIME type) and `file`, whose content `setFile` gives the part.
    private func upload(mimeType: String, filename: String,
                        setFile: (OpaquePointer) -> CURLcode) throws(GraphError) -> String {
        guard let h = easyHandle else { throw GraphError(kind: .retryable, title: "libcurl could not create a handle") }
        guard let mime = curl_mime_init(h) else { throw GraphError(kind: .retryable, title: "libcurl could not make a multipart body") }
        defer { curl_mime_free(mime) }
        func field(_ name: String, _ value: String) -> Bool {
            guard let part = curl_mime_addpart(mime) else { return false }
            let utf8 = Array(value.utf8)
            return curl_mime_name(part, name) == CURLE_OK
                && utf8.withUnsafeBytes { curl_mime_data(part, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count) } == CURLE_OK
        }
        guard field("messaging_product", "whatsapp"), field("type", mimeType), let file = curl_mime_addpart(mime),
              curl_mime_name(file, "file") == CURLE_OK, setFile(file) == CURLE_OK,
              curl_mime_filename(file, GraphAPIClient.safeFilename(filename)) == CURLE_OK,
              curl_mime_type(file, mimeType) == CURLE_OK else {
            throw GraphError(kind: .permanent, title: "the upload of \(filename) could not be prepared (libcurl refused a part)")
        }
        var headers = curl_slist_append(nil, "Authorization: Bearer \(configuration.accessToken)")
        headers = curl_slist_append(headers, "Accept: application/json")
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        let url = "\(configuration.graphURL)/\(GraphAPIClient.pathEscape(configuration.phoneNumberID))/media"
        let response = try perform(url: url, body: nil, mime: mime, headers: headers, timeout: configuration.downloadTimeout,
                                   maxBytes: 1 << 20, followRedirects: false)
        let answer = try GraphAPIClient.decodeSuccess(response)
        guard let id = answer["id"]?.stringOrNumber, !id.isEmpty else {
            throw GraphError(kind: .permanent, httpStatus: response.status, title: "the media upload answered without an id",
                             ambiguous: true)
        }
        return id
    }

    /// The file name goes into a quoted header parameter: kept to safe characters.
    static func safeFilename(_ filename: String) -> String {
        String(filename.unicodeScalars.map { s -> Character in
            s.isASCII && s.value >= 0x20 && s.value != 0x7F && s != "\"" && s != "\\" ? Character(s) : "_"
        })
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
