import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Approved WhatsApp message templates: the catalogue of each channel's business account
/// (synced from the Graph API at start, on a `message_template_status_update` webhook and
/// on demand) and template sends from the inbox or a plugin, queued through the outbox
/// like any reply (retries, rate limits, journal).
///
/// A send is checked before anything is stored: the conversation is this workspace's,
/// its channel has the template, the template is approved, and the parameters match its
/// placeholders (`MessageTemplate.refusal`). So a template with a missing parameter
/// never reaches the Graph API, and a refused send leaves no message behind.
///
/// WhatsApp's rule: a template may be sent at any time; it does not open the 24-hour
/// window (only the customer's reply does), so free-form replies stay refused until the
/// customer answers. A resolved conversation is reopened for the agents (`agent_reopen`)
/// so the answer lands in the inbox.
struct AgentTemplates: Sendable {
    let store: any Store
    let logger: Logger
    /// The WhatsApp channels that have a business account (`waba_id`), with the Graph
    /// API settings to read its templates.
    let channels: [ChannelID: (wabaID: String, client: GraphAPIClient.Configuration)]
    let notify: @Sendable (ChannelID) -> Void
    /// Those of channels a reload added (`Pipeline.startAddedChannels`), by id.
    var added: @Sendable () -> [ChannelID: (wabaID: String, client: GraphAPIClient.Configuration)] = { [:] }

    /// The channels with a business account now: those of the start and those added since.
    var allChannels: [ChannelID: (wabaID: String, client: GraphAPIClient.Configuration)] {
        channels.merging(added()) { a, _ in a }
    }
    /// Where the file of a media header is kept until it is sent (nil: only links).
    var media: MediaStore? = nil

    /// A media header's file as an agent uploaded it (checked before it is stored).
    struct HeaderUpload {
        var bytes: [UInt8]
        var mimeType: String
        var filename: String?
    }

    struct Refusal: Error, CustomStringConvertible, Equatable {
        enum Code: String, Sendable {
            case notFound = "not_found", noTemplates = "no_templates", templateNotFound = "template_not_found"
            case invalidParameters = "invalid_parameters", notApproved = "template_not_approved"
        }
        let code: Code
        let description: String
    }

    // MARK: - Catalogue

    /// Reads every template of `channel`'s business account and replaces the stored list.
    /// Blocks on the Graph API: call from a background thread or an admin's request.
    @discardableResult
    func sync(channel: ChannelID) throws -> [MessageTemplate] {
        guard let c = channels[channel] ?? added()[channel] else {
            throw Refusal(code: .noTemplates, description: "channel \(channel) has no waba_id: no message templates to sync")
        }
        let templates = try GraphAPIClient(configuration: c.client, logger: logger).listTemplates(wabaID: c.wabaID, channel: channel)
        try store.templates.replace(channel: channel, with: templates)
        logger.info("message templates synced", [LogKey.channel: channel.rawValue, "templates": String(templates.count),
                                                 "approved": String(templates.filter { $0.status == .approved }.count)])
        return templates
    }

    /// Syncs every channel, logging failures (at start: the host serves without them).
    func syncAll() {
        for channel in channels.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            do { try sync(channel: channel) } catch {
                logger.warn("message templates not synced; agents see the last stored list", [
                    LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
            }
        }
    }

    /// A `message_template_status_update` webhook (already verified): the named template's
    /// new status is stored at once for every channel of that business account.
    func statusWebhook(_ body: [UInt8]) {
        guard let root = try? JSONReader.read(body) else { return }
        for entry in root["entry"]?.array ?? [] {
            let waba = entry["id"]?.stringOrNumber ?? ""
            let affected = allChannels.filter { $0.value.wabaID == waba }.map(\.key)
            for change in entry["changes"]?.array ?? [] where change["field"]?.string == "message_template_status_update" {
                guard let v = change["value"], let name = v["message_template_name"]?.string,
                      let language = v["message_template_language"]?.string, let event = v["event"]?.string else { continue }
                for channel in affected {
                    let known: Bool
                    do {
                        known = try store.templates.setStatus(channel: channel, name: name, language: language,
                                                              status: MessageTemplate.Status(provider: event))
                    } catch {
                        logger.error("message template status not stored; reading the list again", [
                            LogKey.channel: channel.rawValue, "template": name, LogKey.error: "\(error)"])
                        known = false
                    }
                    logger.info("message template status changed", [
                        LogKey.channel: channel.rawValue, "template": name, "language": language, "status": event,
                        "reason": v["reason"]?.string ?? "", "known": known ? "true" : "false"])
                    // A template this host never saw (a new approval): read the list again
                    // (the caller runs this off the server thread).
                    if !known {
                        do { try sync(channel: channel) } catch {
                            logger.warn("message templates not synced after a status webhook", [
                                LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
                        }
                    }
                }
            }
        }
    }

    /// The templates of a conversation's channel (404 for another workspace's conversation).
    func list(workspace: WorkspaceID, conversation id: ConversationID) throws -> [MessageTemplate] {
        let conversation = try conversation(workspace, id)
        return try store.templates.list(channel: conversation.channelID)
    }

    private func conversation(_ workspace: WorkspaceID, _ id: ConversationID) throws -> Conversation {
        guard let c = try store.workspace(workspace).conversations.get(id) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        return c
    }

    // MARK: - Sending

    /// The checked template send, ready to store and queue: its message (kind template,
    /// the rendered body as text) and its outbox body; or why it cannot go (nothing
    /// stored). For agents (`send`) and plugins (`host->send_template`, in the workers).
    static func prepare(store: any Store, channel: ChannelID, conversation: ConversationID, name: String, language: String,
                        parameters: MessageTemplate.Parameters, author: String?)
        -> Result<(message: NewOutboundMessage, body: String, parameters: MessageTemplate.Parameters), Refusal> {
        let found: MessageTemplate?
        do {
            found = try store.templates.get(channel: channel, name: name, language: language)
        } catch {
            return .failure(Refusal(code: .templateNotFound, description: "the templates of channel \(channel) could not be read: \(error)"))
        }
        guard let template = found else {
            return .failure(Refusal(code: .templateNotFound,
                                    description: "channel \(channel) has no template \(name) in \(language); sync the templates if it was approved just now"))
        }
        // Header media given without a kind is for the template's header, whatever it is.
        var parameters = parameters
        if parameters.headerMedia?.kind.isEmpty == true, let format = template.mediaHeader {
            parameters.headerMedia?.kind = format.lowercased()
        }
        if let why = template.refusal(parameters) {
            return .failure(Refusal(code: template.status == .approved ? .invalidParameters : .notApproved, description: why))
        }
        var payload = ["template": name, "language": language]
        if let author { payload["author"] = author }
        if let media = parameters.headerMedia {
            payload["header_media"] = media.kind
            if case .link(let url) = media.source { payload["header_link"] = url }
        }
        return .success((NewOutboundMessage(conversationID: conversation, kind: .template, text: template.rendered(parameters),
                                            payloadJSON: OutboxBody.encode(payload)),
                         OutboxContent.template(name: name, language: language, parameters: parameters).json, parameters))
    }

    /// Queues the template for the conversation's customer, on behalf of `author` (an
    /// agent's user id, or `plugin:NAME`). Refused, with nothing stored, when the checks
    /// above fail.
    ///
    /// A media header's file (`header`) is checked with the template (WhatsApp's type and
    /// size for that header, and the bytes' signature), then kept in the media store and
    /// recorded with the message, in the same transaction as the message and its outbox
    /// entry; the sender uploads it and sends the template with the id.
    func send(workspace: WorkspaceID, conversation id: ConversationID, name: String, language: String,
              parameters given: MessageTemplate.Parameters, header: HeaderUpload? = nil, author: String) throws -> Message {
        var parameters = given
        if let header {
            // The kind is left to the template's header (`prepare`).
            let mimeType = header.mimeType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            parameters.headerMedia = .init(kind: "", source: .file(mimeType: mimeType, size: header.bytes.count),
                                           filename: AgentAttachments.cleanFilename(header.filename))
        }
        let ws = store.workspace(workspace)
        let conversation = try conversation(workspace, id)
        guard let contact = try ws.contacts.get(conversation.contactID) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        guard allChannels[conversation.channelID] != nil else {
            throw Refusal(code: .noTemplates, description: "channel \(conversation.channelID) has no message templates (no waba_id configured)")
        }
        var prepared = try Self.prepare(store: store, channel: conversation.channelID, conversation: id, name: name,
                                        language: language, parameters: parameters, author: author).get()
        // The header's file: its bytes are what they claim, then kept in the media store.
        parameters = prepared.parameters
        var stored: (sha256: String, created: Bool, mimeType: String, size: Int, filename: String?)?
        if let header, let headerMedia = parameters.headerMedia, case .file(let mimeType, let size) = headerMedia.source {
            if let why = OutboundMediaTypes.signatureMismatch(header.bytes, mimeType: mimeType) {
                throw Refusal(code: .invalidParameters, description: "header \(headerMedia.kind): \(why)")
            }
            guard let media else {
                throw Refusal(code: .invalidParameters, description: "this host keeps no media files: give the header \(headerMedia.kind) as an https link")
            }
            let (sha256, created) = try media.put(header.bytes, workspace: workspace)
            let path = try media.path(workspace: workspace, sha256: sha256)
            stored = (sha256, created, mimeType, size, headerMedia.filename)
            prepared.body = OutboxContent.template(name: name, language: language, parameters: parameters,
                                                   headerFile: .init(sha256: sha256, path: path)).json
        }
        let journal = Journal(logger: logger)
        let message: Message
        do {
            message = try ws.transaction { ws in
                let m = try ws.messages.insertOutbound(prepared.message)
                if let stored {
                    // The file is named by its message: kept while the send is queued, shown in the inbox.
                    try ws.media.insert(StoredMedia(messageID: m.id, sha256: stored.sha256, mimeType: stored.mimeType,
                                                    size: stored.size, filename: stored.filename, origin: .upload))
                }
                _ = try ws.queue.enqueueOutbox(NewOutboxItem(
                    conversationID: id, messageID: m.id, channelID: conversation.channelID,
                    recipient: ResponderWorkers.recipient(contact), kind: .send, bodyJSON: prepared.body, receivedAt: nil))
                var detail = ["author": author, "template": name, "language": language]
                if let media = parameters.headerMedia { detail["header_media"] = media.kind }
                try journal.record(ws, .queued, conversation: id, message: m.id, channel: conversation.channelID, detail)
                if conversation.state == .resolved {
                    _ = try ws.conversations.transition(id, .agentReopen, extraDetail: ["author": author, "by": "template"])
                }
                return m
            }
        } catch {
            journal.discard()
            if let stored, stored.created, let media {
                do { try media.removeIfUnreferenced(workspace: workspace, sha256: stored.sha256, media: ws.media) } catch {
                    logger.warn("a template header's file was left in the media store after its message was not stored", [
                        LogKey.workspace: workspace.rawValue, "sha256": stored.sha256, LogKey.error: "\(error)"])
                }
            }
            throw error
        }
        journal.flush()
        notify(conversation.channelID)
        return message
    }
}
