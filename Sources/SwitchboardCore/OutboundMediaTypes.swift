/// What WhatsApp takes from a business as a file (an agent's attachment, a template's
/// header), by kind, with the Cloud API's size limit for each MIME type: images 5 MB,
/// videos 16 MB, documents 100 MB. Checked before anything is stored or uploaded.
public enum OutboundMediaTypes {
    public static let image: [String: Int] = ["image/jpeg": 5 << 20, "image/png": 5 << 20]
    /// H.264 video with AAC audio, in MP4 or 3GPP.
    public static let video: [String: Int] = ["video/mp4": 16 << 20, "video/3gpp": 16 << 20]
    public static let document: [String: Int] = [
        "application/pdf": 100 << 20, "text/plain": 100 << 20,
        "application/msword": 100 << 20, "application/vnd.ms-excel": 100 << 20,
        "application/vnd.ms-powerpoint": 100 << 20,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 << 20,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 << 20,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 << 20,
    ]

    /// The types of a kind (`image`, `video`, `document`), or none for another kind.
    public static func types(of kind: String) -> [String: Int] {
        switch kind {
        case "image": image
        case "video": video
        case "document": document
        default: [:]
        }
    }

    /// `5 MB`, `16 MB`, `100 MB`, `1.5 MB` (binary megabytes, as WhatsApp's limits are).
    public static func megabytes(_ bytes: Int) -> String {
        let mb = Double(bytes) / Double(1 << 20)
        if mb == mb.rounded() { return "\(Int(mb)) MB" }
        return "\(Double(Int(mb * 10)) / 10) MB"
    }

    /// A reason when the bytes are plainly not the claimed type (JPEG, PNG, PDF and MP4
    /// have signatures; other types are taken as declared).
    public static func signatureMismatch(_ bytes: [UInt8], mimeType: String) -> String? {
        let ok: Bool
        switch mimeType {
        case "image/jpeg": ok = bytes.starts(with: [0xFF, 0xD8, 0xFF])
        case "image/png": ok = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "application/pdf": ok = bytes.starts(with: Array("%PDF-".utf8))
        // ISO base media (MP4, 3GPP): a box whose type is `ftyp` first.
        case "video/mp4", "video/3gpp": ok = bytes.count >= 8 && Array(bytes[4..<8]) == Array("ftyp".utf8)
        default: return nil
        }
        return ok ? nil : "the file is not a \(mimeType) (its first bytes are not a \(mimeType) signature); choose the right file or type"
    }
}
