import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

extension WebChat {
    /// `GET /chat/{workspace}/media/{id}?visitor=ID`: an attachment an agent sent to this
    /// visitor, from the media store, with the inbox's safe headers (nosniff, a sandbox
    /// CSP, attachment unless a safe image type). Only a message of the visitor's own
    /// conversation: any other id (another visitor's, another workspace's, a message
    /// without a stored file) answers 404, the same as one that does not exist.
    func media(_ request: HTTPRequest) -> HTTPResponse {
        let wsName = request.parameter("workspace") ?? ""
        guard let channel = channels[WorkspaceID(wsName)] else { return .error(404, "no web chat for '\(wsName)'") }
        guard let visitor = request.query["visitor"], Self.isValidVisitor(visitor) else {
            return .error(400, "visitor must be 8 to 64 letters, digits, '-' or '_'")
        }
        let id = MessageID(request.parameter("id") ?? "")
        let ws = store.workspace(WorkspaceID(wsName))
        do {
            guard let mediaStore,
                  let contact = try ws.contacts.find(e164: ContactAddress.webVisitor(visitor).storageKey),
                  let conversation = try ws.conversations.find(channel: channel, contact: contact.id),
                  let message = try ws.messages.get(id), message.conversationID == conversation.id, Self.visible(message),
                  let record = try ws.media.get(id) else {
                return .error(404, "no such file in this conversation")
            }
            if record.deletedAt != nil { return .error(410, "this file was deleted after the business's retention period") }
            let bytes = try mediaStore.read(workspace: ws.workspaceID, sha256: record.sha256)
            return HTTPResponse(status: 200, headers: MediaDownloads.headers(mimeType: record.mimeType, message: id,
                                                                             filename: record.filename), body: bytes)
        } catch {
            logger.error("web chat media failed", [LogKey.workspace: wsName, "message_id": id.rawValue, LogKey.error: "\(error)"])
            return .error(500, "the file cannot be read now")
        }
    }
}
