import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

extension InboxAPI {
    /// `POST /conversations/{id}/reply` `{"text"}`: 202 with the queued message, through
    /// `AgentReplies` (24-hour window checked before anything is queued).
    func reply(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let text = try Self.text(request)
        do {
            let message = try replies.reply(workspace: context.workspace, conversation: Self.conversationID(request),
                                            text: text, author: context.userID, now: clock())
            return Self.json(InboxJSON.Message(message), status: 202)
        } catch let refusal as AgentReplies.Refusal {
            throw Self.error(refusal)
        }
    }

    /// `POST /conversations/{id}/notes` `{"text"}`: 201 with the note; never sent.
    func note(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let text = try Self.text(request)
        do {
            let message = try replies.note(workspace: context.workspace, conversation: Self.conversationID(request),
                                           text: text, author: context.userID)
            return Self.json(InboxJSON.Message(message), status: 201)
        } catch let refusal as AgentReplies.Refusal {
            throw Self.error(refusal)
        }
    }

    /// `GET /messages/{id}/media`: the bytes of an inbound image, audio, video, document
    /// or sticker, downloaded from the provider now (its URLs expire after minutes, so
    /// only the media id is stored), on a download thread and streamed (`MediaDownloads`:
    /// limits, headers). 404 for a message without media, 400 when its media id is not
    /// one (digits only), 429/503 when downloads are all taken, 502 when the provider
    /// cannot give it (expired after its 7 days, unreachable, or too large).
    func downloadMedia(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = MessageID(request.parameter("id") ?? "")
        let ws = store.workspace(context.workspace)
        guard let message = try ws.messages.get(id) else {
            throw InboxAPIError.notFound("message \(id) not found")
        }
        // Kept on arrival or attached by an agent: served from the media store.
        // A template's header file is kept with its message too.
        if message.kind.hasMedia || message.kind == .template, let stored = try storedMedia(ws, id) { return stored }
        guard message.kind.hasMedia, let mediaID = MediaFetcher.mediaID(payloadJSON: message.payloadJSON) else {
            throw InboxAPIError.notFound("message \(id) has no media")
        }
        guard let media else { throw InboxAPIError(502, "no channel of this host can download media") }
        guard media.fetcher.isMediaID(mediaID, channel: message.channelID) else {
            let transport = media.fetcher.transport(message.channelID)
            let what = transport is EvolutionTransport ? "a WhatsApp Web message key (letters and digits)"
                : transport is TelegramTransport ? "a Telegram file id" : "a WhatsApp media id (digits only)"
            throw InboxAPIError.badRequest("message \(id) carries the media id '\(mediaID)', which is not \(what)")
        }
        return media.serve(workspace: context.workspace, message: id, channel: message.channelID, mediaID: mediaID)
    }

    static func error(_ refusal: AgentReplies.Refusal) -> InboxAPIError {
        switch refusal.code {
        case .notFound: InboxAPIError(404, refusal.description)
        case .outsideWindow: InboxAPIError(409, refusal.description, code: refusal.code.rawValue)
        case .empty: InboxAPIError(400, refusal.description)
        }
    }

    /// `GET /search?q=&limit=`: full-text search over the workspace's message text.
    func search(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        guard let q = request.query["q"], !q.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InboxAPIError.badRequest("q is required: the words to search for")
        }
        let limit = try Self.limit(request)
        let found = try store.workspace(context.workspace).messages.search(q, limit: limit)
        return Self.json(InboxJSON.Items(items: found.map(InboxJSON.Message.init)))
    }
}
