/// What a channel takes as an attachment: the MIME types, the kind each is sent as
/// (`image`, `document`, `audio`, `video`) and its size limit, and the caption length.
/// Checked before anything is stored or sent (`AgentAttachments`); a transport's
/// `ChannelTraits.media` names its rules (nil: the channel sends no files).
public struct OutboundMediaRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var kind: String
        public var maxBytes: Int
        public init(kind: String, maxBytes: Int) {
            self.kind = kind
            self.maxBytes = maxBytes
        }
    }

    /// How refusals name the channel ("WhatsApp", "WhatsApp Web", "Telegram").
    public var channelName: String
    public var types: [String: Rule]
    public var captionCharacters: Int

    public init(channelName: String, types: [String: Rule], captionCharacters: Int) {
        self.channelName = channelName
        self.types = types
        self.captionCharacters = captionCharacters
    }

    public func rule(for mimeType: String) -> Rule? { types[mimeType] }

    /// The MIME types taken, sorted.
    public var allowedTypes: [String] { types.keys.sorted() }

    static let officeDocuments = [
        "application/pdf", "text/plain", "application/msword", "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ]

    static func table(images: Int, documents: Int, audio: [String] = [], audioMax: Int = 0,
                      video: [String] = [], videoMax: Int = 0) -> [String: Rule] {
        var t: [String: Rule] = [:]
        for m in ["image/jpeg", "image/png"] { t[m] = Rule(kind: "image", maxBytes: images) }
        for m in officeDocuments { t[m] = Rule(kind: "document", maxBytes: documents) }
        for m in audio { t[m] = Rule(kind: "audio", maxBytes: audioMax) }
        for m in video { t[m] = Rule(kind: "video", maxBytes: videoMax) }
        return t
    }

    /// The Cloud API (and the web chat, which shows the same files): JPEG/PNG images up to
    /// 5 MB, documents up to 100 MB (uploaded to the Graph API's media endpoint).
    public static let whatsAppCloud = OutboundMediaRules(
        channelName: "WhatsApp",
        types: table(images: GraphAPIClient.OutboundMedia.image.values.max() ?? 5 << 20,
                     documents: GraphAPIClient.OutboundMedia.document.values.max() ?? 100 << 20),
        captionCharacters: GraphAPIClient.OutboundMedia.captionCharacters)

    /// WhatsApp Web through Evolution API (`sendMedia`, the file as base64 in a JSON body,
    /// which Evolution takes up to 136 MB): WhatsApp's 16 MB for images, audio and video,
    /// documents up to 100 MB.
    public static let whatsAppWeb = OutboundMediaRules(
        channelName: "WhatsApp Web",
        types: table(images: 16 << 20, documents: 100 << 20,
                     audio: ["audio/mpeg", "audio/ogg", "audio/mp4", "audio/aac"], audioMax: 16 << 20,
                     video: ["video/mp4", "video/3gpp"], videoMax: 16 << 20),
        captionCharacters: 1024)

    /// Telegram's Bot API (multipart upload): photos up to 10 MB (`sendPhoto`), other
    /// files up to 50 MB (`sendDocument`, `sendAudio` for MP3/M4A, `sendVideo` for MP4);
    /// captions up to 1024 characters.
    public static let telegram = OutboundMediaRules(
        channelName: "Telegram",
        types: table(images: 10 << 20, documents: 50 << 20,
                     audio: ["audio/mpeg", "audio/mp4"], audioMax: 50 << 20,
                     video: ["video/mp4"], videoMax: 50 << 20),
        captionCharacters: 1024)
}
