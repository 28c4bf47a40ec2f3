import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

extension InboxAPI {
    /// `POST /conversations/{id}/attachments?filename=&caption=` with the file as the
    /// body and its type as `Content-Type`: 202 with the queued file message. Refused
    /// before anything is stored or uploaded: 415 for a type the channel does not take (or
    /// bytes that are not the type claimed), 413 over the channel's size limit, 409
    /// `outside_window` after the customer's 24 hours (Cloud API) or `unsupported_channel`.
    func attach(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        guard let attachments else { throw InboxAPIError(404, "this host takes no attachments") }
        do {
            let message = try attachments.attach(
                workspace: context.workspace, conversation: Self.conversationID(request), bytes: request.body,
                mimeType: request.headers["Content-Type"] ?? "", filename: request.query["filename"],
                caption: request.query["caption"], author: context.userID, now: clock())
            return Self.json(InboxJSON.Message(message), status: 202)
        } catch let refusal as AgentAttachments.Refusal {
            throw Self.error(refusal)
        } catch let failure as MediaStore.Failure {
            logger.error("attachment not stored", [LogKey.workspace: context.workspace.rawValue, LogKey.error: failure.description])
            throw InboxAPIError(500, "the file could not be stored on the server; the details are in the host's log")
        }
    }

    static func error(_ refusal: AgentAttachments.Refusal) -> InboxAPIError {
        switch refusal.code {
        case .notFound: InboxAPIError(404, refusal.description)
        case .empty, .badRequest: InboxAPIError(400, refusal.description, code: refusal.code.rawValue)
        case .unsupportedType, .mismatch: InboxAPIError(415, refusal.description, code: refusal.code.rawValue)
        case .tooLarge: InboxAPIError(413, refusal.description, code: refusal.code.rawValue)
        case .outsideWindow, .unsupportedChannel: InboxAPIError(409, refusal.description, code: refusal.code.rawValue)
        }
    }

    /// The stored file of a message (kept on arrival, or attached by an agent), served
    /// with the same safe headers as a provider download; nil when the store has none.
    func storedMedia(_ ws: any WorkspaceStore, _ message: MessageID) throws -> HTTPResponse? {
        guard let record = try ws.media.get(message), let mediaStore = media?.mediaStore else { return nil }
        if record.deletedAt != nil {
            throw InboxAPIError(410, "the media of message \(message) was deleted by the workspace's retention (media_retention_days)",
                                code: "media_deleted")
        }
        let bytes: [UInt8]
        do {
            bytes = try mediaStore.read(workspace: ws.workspaceID, sha256: record.sha256)
        } catch {
            logger.error("stored media file missing", [LogKey.workspace: ws.workspaceID.rawValue, "message_id": message.rawValue,
                                                       LogKey.error: error.description])
            return nil
        }
        var headers = MediaDownloads.headers(mimeType: record.mimeType, message: message, filename: record.filename)
        headers["Cache-Control"] = "private, max-age=3600"
        return HTTPResponse(status: 200, headers: headers, body: bytes)
    }
}
