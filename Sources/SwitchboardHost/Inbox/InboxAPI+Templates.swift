import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardHTTP
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

    /// `POST /conversations/{id}/template` `{"name", "language", "header": [...], "body": [...]}`:
    /// 202 with the queued message; 400 `invalid_parameters` when the parameters do not
    /// fit the template (nothing stored, no provider call).
    func sendTemplate(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let templates = try agentTemplates()
        let body = try Self.jsonObject(request)
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
        let parameters = MessageTemplate.Parameters(header: try strings("header"), body: try strings("body"))
        do {
            let message = try templates.send(workspace: context.workspace, conversation: Self.conversationID(request),
                                             name: name, language: language, parameters: parameters, author: context.userID)
            return Self.json(InboxJSON.Message(message), status: 202)
        } catch let refusal as AgentTemplates.Refusal {
            throw Self.error(refusal)
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
