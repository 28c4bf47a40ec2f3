import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Files agents attach in the inbox. Checked before anything is stored or sent, by the
/// channel's `OutboundMediaRules`: a type it takes (WhatsApp Cloud API and web chat: JPEG
/// and PNG images, PDF, text and Office documents; WhatsApp Web and Telegram also some
/// audio and video), its size limit (Cloud API: 5 MB for images, 100 MB for documents;
/// the route takes files up to media.max_upload_bytes), the
/// bytes look like the type they claim (JPEG, PNG and PDF signatures), the customer's
/// 24-hour window is open (an attachment is free-form; web chats have none, and show the
/// file to their visitor). Then the file goes into the media
/// store and the message, its media record and its outbox entry are written in one
/// transaction; if that fails, a file this call created is removed again. The channel's
/// transport sends the file (`OutboxContent.media` → `OutboundRequest.media`): the Cloud
/// API uploads it and sends it by id, WhatsApp Web posts it to the gateway's `sendMedia`,
/// Telegram uploads it with `sendPhoto`/`sendDocument`/`sendAudio`/`sendVideo`.
struct AgentAttachments: Sendable {
    let store: any Store
    let media: MediaStore
    let logger: Logger
    /// Channels with WhatsApp's 24-hour window; and web chats, which show attachments to
    /// their visitor (`GET /chat/{workspace}/media/{id}`) and have no window.
    let whatsAppChannels: Set<ChannelID>
    /// The web chat channels running now (they change with a reload).
    var webChatChannels: @Sendable () -> Set<ChannelID> = { [] }
    let notify: @Sendable (ChannelID) -> Void
    /// The other channels that send files (WhatsApp Web, Telegram), each with its rules
    /// (`ChannelTraits.media`); no service window.
    var otherChannels: [ChannelID: OutboundMediaRules] = [:]
    /// Channels a reload added (`Pipeline.liveTransports`), asked for a channel the sets
    /// above do not name.
    var addedChannel: @Sendable (ChannelID) -> (any ChannelTransport)? = { _ in nil }

    struct Refusal: Error, CustomStringConvertible, Equatable {
        enum Code: String, Sendable {
            case notFound = "not_found", empty = "empty", unsupportedType = "unsupported_media_type"
            case tooLarge = "media_too_large", mismatch = "media_type_mismatch", outsideWindow = "outside_window"
            case unsupportedChannel = "unsupported_channel", badRequest = "bad_request"
        }
        let code: Code
        let description: String
    }

    static func allowedTypes() -> [String] { OutboundMediaRules.whatsAppCloud.allowedTypes }

    func attach(workspace: WorkspaceID, conversation id: ConversationID, bytes: [UInt8], mimeType rawType: String,
                filename rawName: String?, caption rawCaption: String?, author: String, now: Date = Date()) throws -> Message {
        let ws = store.workspace(workspace)
        guard let conversation = try ws.conversations.get(id), let contact = try ws.contacts.get(conversation.contactID) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        // The channel's rules: the Cloud API's (and the web chat's, which shows the same
        // files), or WhatsApp Web's and Telegram's own.
        let webChat = webChatChannels().contains(conversation.channelID)
        let known = webChat || whatsAppChannels.contains(conversation.channelID) || otherChannels[conversation.channelID] != nil
        let added = known ? nil : addedChannel(conversation.channelID)
        let cloud = whatsAppChannels.contains(conversation.channelID) || added is WhatsAppCloudTransport
        guard let rules = webChat || cloud ? OutboundMediaRules.whatsAppCloud
                : otherChannels[conversation.channelID] ?? added?.traits.media else {
            throw Refusal(code: .unsupportedChannel, description: "attachments go to WhatsApp, WhatsApp Web, Telegram and web chat channels; channel \(conversation.channelID) is none of them")
        }
        let mimeType = rawType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let rule = rules.rule(for: mimeType) else {
            throw Refusal(code: .unsupportedType, description: "\(rules.channelName) does not take '\(mimeType.isEmpty ? "(no Content-Type)" : mimeType)' as an attachment; send one of: \(rules.allowedTypes.joined(separator: ", "))")
        }
        let (kind, maxBytes) = (rule.kind, rule.maxBytes)
        guard !bytes.isEmpty else { throw Refusal(code: .empty, description: "the file is empty") }
        guard bytes.count <= maxBytes else {
            throw Refusal(code: .tooLarge, description: "the \(kind) is \(bytes.count) bytes; \(rules.channelName) takes \(mimeType) up to \(maxBytes) bytes (\(maxBytes >> 20) MB)")
        }
        if let why = Self.signatureMismatch(bytes, mimeType: mimeType) {
            throw Refusal(code: .mismatch, description: why)
        }
        let caption = rawCaption?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let caption, caption.count > rules.captionCharacters {
            throw Refusal(code: .badRequest, description: "the caption has \(caption.count) characters, \(rules.channelName) allows \(rules.captionCharacters)")
        }
        let filename = Self.cleanFilename(rawName) ?? (kind == "document" ? "document\(Self.extensionFor(mimeType))" : nil)

        if cloud, now.timeIntervalSince(conversation.lastInboundAt ?? .distantPast) > WhatsAppCloudTransport.serviceWindow {
            throw Refusal(code: .outsideWindow,
                          description: "the customer last wrote more than 24 hours ago: WhatsApp only allows an approved template now")
        }

        let (sha256, created) = try media.put(bytes, workspace: workspace)
        let path = try media.path(workspace: workspace, sha256: sha256)
        let journal = Journal(logger: logger)
        let message: Message
        do {
            message = try ws.transaction { ws in
                let m = try ws.messages.insertOutbound(NewOutboundMessage(
                    conversationID: id, kind: MessageKind(rawValue: kind) ?? .document, text: caption ?? filename,
                    payloadJSON: OutboxBody.encode(["author": author, "sha256": sha256, "mime_type": mimeType,
                                                    "filename": filename ?? ""])))
                try ws.media.insert(StoredMedia(messageID: m.id, sha256: sha256, mimeType: mimeType, size: bytes.count,
                                                filename: filename, origin: .upload))
                _ = try ws.queue.enqueueOutbox(NewOutboxItem(
                    conversationID: id, messageID: m.id, channelID: conversation.channelID,
                    recipient: ResponderWorkers.recipient(contact), kind: .send,
                    bodyJSON: OutboxContent.media(.init(kind: kind, mimeType: mimeType, sha256: sha256, path: path,
                                                        filename: filename, caption: caption)).json,
                    receivedAt: nil))
                try journal.record(ws, .queued, conversation: id, message: m.id, channel: conversation.channelID,
                                   ["author": author, "media": kind, "mime_type": mimeType, "size": String(bytes.count)])
                return m
            }
        } catch {
            journal.discard()
            if created {
                do { try media.removeIfUnreferenced(workspace: workspace, sha256: sha256, media: ws.media) } catch {
                    logger.warn("an attachment's file was left in the media store after its message was not stored", [
                        LogKey.workspace: workspace.rawValue, "sha256": sha256, LogKey.error: "\(error)"])
                }
            }
            throw error
        }
        journal.flush()
        notify(conversation.channelID)
        return message
    }

    /// A reason when the bytes are plainly not the claimed type.
    static func signatureMismatch(_ bytes: [UInt8], mimeType: String) -> String? {
        OutboundMediaTypes.signatureMismatch(bytes, mimeType: mimeType)
    }

    /// The last path component, without control characters, at most 200 characters.
    static func cleanFilename(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty, clean != ".", clean != ".." else { return nil }
        return String(clean.prefix(200))
    }

    static func extensionFor(_ mime: String) -> String {
        switch mime {
        case "application/pdf": ".pdf"
        case "text/plain": ".txt"
        case "image/jpeg": ".jpg"
        case "image/png": ".png"
        case "video/mp4": ".mp4"
        case "video/3gpp": ".3gp"
        default: ""
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
