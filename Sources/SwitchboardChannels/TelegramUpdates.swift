import Foundation
import SwitchboardCore

/// Reads Telegram `Update` objects into channel-neutral inbound messages. The update's
/// `update_id` is the message's provider id (Telegram redelivers webhooks and polls:
/// deduplicated on it). Handled: `message` (text; a photo, document, voice note, audio,
/// video, video note or sticker with its `file_id` as the media id and the caption as its
/// text; other contents arrive as `unsupported` with their raw JSON kept) and `callback_query` (a tap on one of our
/// inline buttons: an interactive reply whose text is the button's data). Other update
/// types (edits, member changes) are skipped; the caller acknowledges them.
public enum TelegramUpdates {
    /// The message an update carries, or nil for an update type we skip. `raw` is the
    /// update's exact bytes. Throws when the update is not an object with an `update_id`.
    public static func message(_ update: JSONValue, raw: String, channel: ChannelID,
                               receivedAt: Date) throws(TelegramUpdateError) -> InboundMessage? {
        guard update.isObject, let updateID = update["update_id"]?.int else {
            throw TelegramUpdateError(reason: "an update must be an object with an integer update_id")
        }
        let id = String(updateID)
        if let m = update["message"], m.isObject {
            guard let chat = m["chat"]?["id"]?.int else {
                throw TelegramUpdateError(reason: "update \(id): message.chat.id is missing")
            }
            let date = m["date"]?.int.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? receivedAt
            let text = m["text"]?.string ?? m["caption"]?.string
            let providerType = m["text"] != nil ? "text" : Self.contentType(m)
            var kind: MessageKind = m["text"]?.string != nil ? .text : .unsupported
            var media: InboundMedia?
            if kind != .text, let file = Self.file(inMessage: m) {
                kind = file.kind
                media = InboundMedia(id: file.id, mimeType: file.mimeType, caption: m["caption"]?.string,
                                     filename: file.filename, voice: file.field == "voice",
                                     animated: m["sticker"]?["is_animated"]?.bool ?? false)
            }
            return InboundMessage(
                channel: channel, providerMessageID: id, from: "", profileName: Self.name(m["from"]),
                timestamp: date, kind: kind, providerType: providerType, text: text, media: media, rawJSON: raw,
                sender: .telegramChat(Int64(chat)))
        }
        if let q = update["callback_query"], q.isObject {
            // A tap in a private chat: the chat of the message the keyboard was on, else the user.
            guard let chat = q["message"]?["chat"]?["id"]?.int ?? q["from"]?["id"]?.int else {
                throw TelegramUpdateError(reason: "update \(id): callback_query has neither message.chat.id nor from.id")
            }
            let data = q["data"]?.string ?? ""
            return InboundMessage(
                channel: channel, providerMessageID: id, from: "", profileName: Self.name(q["from"]),
                timestamp: receivedAt, kind: .interactive, providerType: "callback_query", text: data,
                interactiveReply: InteractiveReply(type: .buttonReply, id: data, title: data), rawJSON: raw,
                sender: .telegramChat(Int64(chat)))
        }
        return nil
    }

    /// A file a message carries: its field, kind, `file_id` (for `getFile`), and the MIME
    /// type and file name Telegram gave. A photo comes in several sizes: the largest is
    /// taken (the last of `photo`).
    public struct File: Sendable, Equatable {
        public var field: String
        public var kind: MessageKind
        public var id: String
        public var mimeType: String?
        public var filename: String?
    }

    public static func file(inMessage m: JSONValue) -> File? {
        if let sizes = m["photo"]?.array, let largest = sizes.last, let id = largest["file_id"]?.string {
            return File(field: "photo", kind: .image, id: id, mimeType: "image/jpeg", filename: nil)
        }
        let fields: [(String, MessageKind)] = [("document", .document), ("voice", .audio), ("audio", .audio),
                                               ("video", .video), ("video_note", .video), ("sticker", .sticker)]
        for (field, kind) in fields {
            guard let f = m[field], f.isObject, let id = f["file_id"]?.string else { continue }
            var mime = f["mime_type"]?.string
            if field == "sticker" {
                mime = f["is_animated"]?.bool == true ? "application/x-tgsticker" : f["is_video"]?.bool == true ? "video/webm" : "image/webp"
            }
            return File(field: field, kind: kind, id: id, mimeType: mime, filename: f["file_name"]?.string)
        }
        return nil
    }

    /// The file of a stored update's payload (the update's JSON, as received), or nil.
    public static func file(inPayload payload: JSONValue) -> File? {
        guard payload["update_id"] != nil, let m = payload["message"], m.isObject else { return nil }
        return file(inMessage: m)
    }

    /// The field naming what a non-text message carries (`photo`, `voice`, ...).
    static func contentType(_ m: JSONValue) -> String {
        for t in ["photo", "document", "voice", "audio", "video", "sticker", "location", "contact", "animation", "video_note"]
        where m[t] != nil {
            return t
        }
        return "other"
    }

    static func name(_ user: JSONValue?) -> String? {
        guard let user else { return nil }
        let parts = [user["first_name"]?.string, user["last_name"]?.string].compactMap { $0 }.filter { !$0.isEmpty }
        if !parts.isEmpty { return parts.joined(separator: " ") }
        return user["username"]?.string
    }
}

public struct TelegramUpdateError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
