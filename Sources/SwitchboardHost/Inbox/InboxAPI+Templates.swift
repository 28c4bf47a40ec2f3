import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

extension InboxAPI {
    /// `GET /conversations/{id}/templates`: the message templates of the conversation's
    /// channel (every status; only approved ones can be sent), for the composer.
    func listTemplates(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let templates = try agentTemplates()
        do {
            let list = try templates.list(workspace: context.workspace, conversation: Self.conversationID(request))
            return Self.json(InboxJSON.Items(items: list.map(InboxJSON.Template.init)))
        } catch let refusal as AgentTemplates.Refusal {
            throw Self.error(refusal)
        }
    }

    /// `POST /conversations/{id}/templates/sync` (owners and admins): reads the channel's
    /// templates from the Graph API again and answers the new list.
    func syncTemplates(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        guard context.role != .agent else {
            throw InboxAPIError(403, "only owners and admins may sync message templates", code: "forbidden_role")
        }
        let templates = try agentTemplates()
        let id = Self.conversationID(request)
        guard let conversation = try store.workspace(context.workspace).conversations.get(id) else {
            throw InboxAPIError.notFound("conversation \(id) not found")
        }
        do {
            let list = try templates.sync(channel: conversation.channelID)
            return Self.json(InboxJSON.Items(items: list.map(InboxJSON.Template.init)))
        } catch let refusal as AgentTemplates.Refusal {
            throw Self.error(refusal)
        } catch let error as GraphError {
            throw InboxAPIError(502, "the Graph API did not give the templates: \(error.description)", code: "provider_error")
        }
    }

    /// `POST /conversations/{id}/template` `{"name", "language", "header": [...], "body": [...],
    /// "header_media": {"link": "https://...", "filename": "..."}}` as JSON; or, to give a
    /// media header's file, `multipart/form-data` with that JSON as the part `template` and
    /// the file as the part `header_file` (its type and name from the part). 202 with the
    /// queued message; 400 `invalid_parameters` when the parameters or the header media do
    /// not fit the template (nothing stored, no provider call). The route takes bodies up to
    /// `media.max_upload_bytes`, its caller checked before the body is read.
    func sendTemplate(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let templates = try agentTemplates()
        let body: [String: Any]
        var header: AgentTemplates.HeaderUpload?
        if MultipartForm.isMultipart(request.headers["Content-Type"]) {
            let form: MultipartForm
            do { form = try MultipartForm(body: request.body, contentType: request.headers["Content-Type"]) } catch {
                throw InboxAPIError.badRequest("the multipart body cannot be read: \(error.description)")
            }
            guard let part = form.first("template"),
                  let object = (try? JSONSerialization.jsonObject(with: Data(part.bytes))) as? [String: Any] else {
                throw InboxAPIError.badRequest("the multipart body must have a part \"template\": the JSON object of the send (name, language, header, body)")
            }
            body = object
            if let file = form.first("header_file") {
                guard !file.bytes.isEmpty else {
                    throw InboxAPIError(400, "the header file is empty", code: AgentTemplates.Refusal.Code.invalidParameters.rawValue)
                }
                header = .init(bytes: Array(file.bytes), mimeType: file.contentType ?? "", filename: file.filename)
            }
        } else {
            body = try Self.jsonObject(request)
        }
        guard let name = body["name"] as? String, !name.isEmpty, let language = body["language"] as? String, !language.isEmpty else {
            throw InboxAPIError.badRequest("the body must have \"name\" and \"language\" (strings) of an approved template")
        }
        func strings(_ key: String) throws(InboxAPIError) -> [String] {
            guard let value = body[key] else { return [] }
            guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
                throw .badRequest("\"\(key)\" must be an array of strings: the template's {{1}}, {{2}}, ... in order")
            }
            return list.compactMap { $0 as? String }
        }
        var parameters = MessageTemplate.Parameters(header: try strings("header"), body: try strings("body"))
        if let media = body["header_media"] {
            guard header == nil else {
                throw InboxAPIError.badRequest("give the header media once: a file (part header_file) or \"header_media\": {\"link\"}, not both")
            }
            guard let object = media as? [String: Any], let link = object["link"] as? String else {
                throw InboxAPIError.badRequest("\"header_media\" must be {\"link\": \"https://...\"} (or send the file as multipart/form-data, part header_file)")
            }
            parameters.headerMedia = .init(kind: "", source: .link(link),
                                           filename: AgentAttachments.cleanFilename(object["filename"] as? String))
        }
        do {
            let message = try templates.send(workspace: context.workspace, conversation: Self.conversationID(request),
                                             name: name, language: language, parameters: parameters, header: header,
                                             author: context.userID)
            return Self.json(InboxJSON.Message(message), status: 202)
        } catch let refusal as AgentTemplates.Refusal {
            throw Self.error(refusal)
        } catch let failure as MediaStore.Failure {
            logger.error("template header file not stored", [LogKey.workspace: context.workspace.rawValue, LogKey.error: failure.description])
            throw InboxAPIError(500, "the file could not be stored on the server; the details are in the host's log")
        }
    }

    private func agentTemplates() throws(InboxAPIError) -> AgentTemplates {
        guard let templates else { throw InboxAPIError(404, "this host sends no message templates", code: "no_templates") }
        return templates
    }

    static func error(_ refusal: AgentTemplates.Refusal) -> InboxAPIError {
        switch refusal.code {
        case .notFound: InboxAPIError(404, refusal.description)
        case .templateNotFound: InboxAPIError(404, refusal.description, code: refusal.code.rawValue)
        case .noTemplates: InboxAPIError(409, refusal.description, code: refusal.code.rawValue)
        case .invalidParameters: InboxAPIError(400, refusal.description, code: refusal.code.rawValue)
        case .notApproved: InboxAPIError(409, refusal.description, code: refusal.code.rawValue)
        }
    }
}
