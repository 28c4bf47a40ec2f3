import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The inbox's tools (issue 13): the workspace's users, canned replies, labels, the
/// contact panel, take over and the daily report. Scoped like every route: through
/// `store.workspace(context.workspace)`, so another workspace's ids answer 404.
///
/// Roles: canned replies and labels are managed (created, changed, deleted) by owners and
/// admins; the report is for owners and admins; agents read canned replies and labels and
/// put labels on conversations. Each route declares its least role (`addToolRoutes`);
/// `requireManager` remains as the handlers' own second check.
extension InboxAPI {
    typealias Route = (String, String, AuthContext.Role, @escaping @Sendable (HTTPRequest, AuthContext) throws -> HTTPResponse) -> Void

    /// Each with the least role that may call it (`APIRouteCatalog` answers 403 below it).
    func addToolRoutes(_ route: Route) {
        route("GET", "/users", .agent, listUsers)
        route("GET", "/canned-replies", .agent, listCannedReplies)
        route("POST", "/canned-replies", .admin, createCannedReply)
        route("PUT", "/canned-replies/{id}", .admin, updateCannedReply)
        route("DELETE", "/canned-replies/{id}", .admin, deleteCannedReply)
        route("GET", "/labels", .agent, listLabels)
        route("POST", "/labels", .admin, createLabel)
        route("DELETE", "/labels/{id}", .admin, deleteLabel)
        route("POST", "/conversations/{id}/labels", .agent, attachLabel)
        route("DELETE", "/conversations/{id}/labels/{label_id}", .agent, detachLabel)
        route("POST", "/conversations/{id}/takeover", .agent, takeOver)
        route("GET", "/contacts/{id}", .agent, contactDetail)
        route("PATCH", "/contacts/{id}", .agent, updateContact)
        route("POST", "/contacts/{id}/notes", .agent, addContactNote)
        route("GET", "/reports/daily", .admin, dailyReport)
    }

    /// 403 unless the caller is an owner or an admin of the workspace.
    static func requireManager(_ context: AuthContext, to action: String) throws(InboxAPIError) {
        guard context.role == .owner || context.role == .admin else {
            throw InboxAPIError(403, "only the workspace's owners and admins may \(action); you are \(context.role.rawValue)",
                                code: "forbidden")
        }
    }

    // ---- users

    /// `GET /users`: the people of the workspace (for assignment), oldest first.
    func listUsers(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let users = try store.workspace(context.workspace).users.list()
        return Self.json(InboxJSON.Items(items: users.map(InboxJSON.user)))
    }

    // ---- canned replies

    /// 1 to 32 of `a-z`, `0-9`, `-` and `_`.
    static func isShortcut(_ s: String) -> Bool {
        (1...32).contains(s.count) && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
    static let maxCannedText = 4096

    func listCannedReplies(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        Self.json(InboxJSON.Items(items: try store.workspace(context.workspace).cannedReplies.list().map(InboxJSON.cannedReply)))
    }

    /// The body of a create or update: `{"shortcut", "text"}`, checked.
    static func cannedReplyBody(_ request: HTTPRequest) throws(InboxAPIError) -> (shortcut: String, text: String) {
        let body = try jsonObject(request)
        guard let rawShortcut = body["shortcut"] as? String, let rawText = body["text"] as? String else {
            throw .badRequest("the body must be a JSON object with strings \"shortcut\" and \"text\"")
        }
        var shortcut = rawShortcut.trimmingCharacters(in: .whitespaces).lowercased()
        if shortcut.hasPrefix("/") { shortcut.removeFirst() }
        guard isShortcut(shortcut) else {
            throw .badRequest("shortcut must be 1 to 32 of a-z, 0-9, '-' and '_' (typed after '/'), got '\(rawShortcut)'")
        }
        let text = rawText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= maxCannedText else {
            throw .badRequest("text must be 1 to \(maxCannedText) characters")
        }
        return (shortcut, text)
    }

    func createCannedReply(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try Self.requireManager(context, to: "manage canned replies")
        let body = try Self.cannedReplyBody(request)
        let reply = try Self.conflict { try store.workspace(context.workspace).cannedReplies.create(shortcut: body.shortcut, text: body.text) }
        logger.info("canned reply created", [LogKey.workspace: context.workspace.rawValue, "shortcut": reply.shortcut, "author": context.userID])
        return Self.json(InboxJSON.cannedReply(reply), status: 201)
    }

    func updateCannedReply(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try Self.requireManager(context, to: "manage canned replies")
        let body = try Self.cannedReplyBody(request)
        let id = request.parameter("id") ?? ""
        let reply = try Self.conflict {
            try store.workspace(context.workspace).cannedReplies.update(id, shortcut: body.shortcut, text: body.text)
        }
        return Self.json(InboxJSON.cannedReply(reply))
    }

    func deleteCannedReply(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try Self.requireManager(context, to: "manage canned replies")
        let id = request.parameter("id") ?? ""
        guard try store.workspace(context.workspace).cannedReplies.delete(id) else {
            throw InboxAPIError.notFound("canned reply \(id) not found")
        }
        return Self.json(InboxJSON.deleted(id))
    }

    /// Runs `body`; a store `constraint` (a name or shortcut taken) answers 409 `conflict`.
    static func conflict<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError where error.code == .constraint {
            throw InboxAPIError(409, error.message, code: "conflict")
        }
    }

    // ---- labels

    /// The colours a label may have (the page has a style for each).
    static let labelColors = ["grey", "red", "orange", "yellow", "green", "teal", "blue", "purple"]

    func listLabels(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        Self.json(InboxJSON.Items(items: try store.workspace(context.workspace).labels.list().map(InboxJSON.label)))
    }

    func createLabel(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try Self.requireManager(context, to: "manage labels")
        let body = try Self.jsonObject(request)
        guard let rawName = body["name"] as? String else {
            throw InboxAPIError.badRequest("the body must be a JSON object with a string \"name\" (and optionally \"color\")")
        }
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...40).contains(name.count), !name.contains(where: \.isNewline) else {
            throw InboxAPIError.badRequest("name must be 1 to 40 characters on one line")
        }
        var color: String?
        if let value = body["color"], !(value is NSNull) {
            guard let c = value as? String, Self.labelColors.contains(c) else {
                throw InboxAPIError.badRequest("color must be one of \(Self.labelColors.joined(separator: ", ")), or null")
            }
            color = c
        }
        let label = try Self.conflict { try store.workspace(context.workspace).labels.create(name: name, color: color) }
        logger.info("label created", [LogKey.workspace: context.workspace.rawValue, "label": label.name, "author": context.userID])
        return Self.json(InboxJSON.label(label), status: 201)
    }

    func deleteLabel(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try Self.requireManager(context, to: "manage labels")
        let id = request.parameter("id") ?? ""
        guard try store.workspace(context.workspace).labels.delete(id) else {
            throw InboxAPIError.notFound("label \(id) not found")
        }
        return Self.json(InboxJSON.deleted(id))
    }

    /// `POST /conversations/{id}/labels` `{"label_id"}`: the conversation with its labels.
    func attachLabel(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        guard let label = try Self.jsonObject(request)["label_id"] as? String, !label.isEmpty else {
            throw InboxAPIError.badRequest("the body must be a JSON object with a string \"label_id\"")
        }
        let id = Self.conversationID(request)
        let ws = store.workspace(context.workspace)
        try ws.labels.attach(label, to: id)
        guard let conversation = try ws.conversations.get(id) else { throw InboxAPIError.notFound("conversation \(id) not found") }
        return Self.json(try present(conversation, in: ws))
    }

    func detachLabel(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = Self.conversationID(request)
        let ws = store.workspace(context.workspace)
        try ws.labels.detach(request.parameter("label_id") ?? "", from: id)
        guard let conversation = try ws.conversations.get(id) else { throw InboxAPIError.notFound("conversation \(id) not found") }
        return Self.json(try present(conversation, in: ws))
    }

    // ---- take over

    /// `POST /conversations/{id}/takeover`: a `bot` conversation becomes `human` (and the
    /// caller's, when nobody had it); 409 in another state.
    func takeOver(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = Self.conversationID(request)
        let ws = store.workspace(context.workspace)
        let result = try ws.transaction { ws throws -> Conversation? in
            do {
                return try AgentReplies.takeOver(ws, id, author: context.userID, how: "button")
            } catch let refusal as AgentReplies.Refusal {
                throw Self.error(refusal)
            }
        }
        guard let result else {
            let state = try ws.conversations.get(id)?.state.rawValue ?? "unknown"
            throw InboxAPIError(409, "cannot take over conversation \(id): it is \(state), and only a bot conversation can be taken over",
                                code: "invalid_transition")
        }
        logger.info("conversation taken over", [
            LogKey.workspace: context.workspace.rawValue, LogKey.conversation: id.rawValue, "author": context.userID,
        ])
        return Self.json(try present(result, in: ws))
    }

    // ---- the contact panel

    /// `GET /contacts/{id}`: the contact, what agents added (name, attributes), its notes
    /// (newest 50) and its conversations (newest 20, with their labels).
    func contactDetail(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = ContactID(request.parameter("id") ?? "")
        let ws = store.workspace(context.workspace)
        guard let contact = try ws.contacts.get(id) else { throw InboxAPIError.notFound("contact \(id) not found") }
        let profile = try ws.contactProfiles.profile(id)
        let notes = try ws.contactProfiles.notes(id, limit: 50)
        let conversations = try ws.contactProfiles.conversations(of: id, limit: 20)
        let unread = try ws.messages.unreadCounts(conversations.map(\.id))
        let labels = try ws.labels.labels(of: conversations.map(\.id))
        let items: [AnyJSON] = try conversations.map { c in
            try Self.anyJSON(InboxJSON.Conversation(c, unread: unread[c.id] ?? 0, labels: labels[c.id] ?? []))
        }
        return Self.json(AnyJSON.object([
            "contact": try Self.anyJSON(InboxJSON.Contact(contact, name: profile.name)),
            "profile": InboxJSON.profile(profile),
            "notes": .array(notes.map(InboxJSON.contactNote)),
            "conversations": .array(items),
        ]))
    }

    /// An object of the API as a JSON value, to be put inside another.
    static func anyJSON<T: Encodable>(_ value: T) throws -> AnyJSON {
        try JSONDecoder().decode(AnyJSON.self, from: Data(InboxJSON.encode(value).utf8))
    }

    static let maxAttributes = 32

    /// `PATCH /contacts/{id}` `{"name": string|null, "attributes": {key: string}}` (either
    /// or both; `attributes` replaces them all): the profile.
    func updateContact(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try Self.jsonObject(request)
        var name: String??
        if let value = body["name"] {
            if value is NSNull {
                name = .some(nil)
            } else if let s = value as? String {
                let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed.count <= 100, !trimmed.contains(where: \.isNewline) else {
                    throw InboxAPIError.badRequest("name must be at most 100 characters on one line")
                }
                name = .some(trimmed.isEmpty ? nil : trimmed)
            } else {
                throw InboxAPIError.badRequest("name must be a string, or null to clear it")
            }
        }
        var attributes: [String: String]?
        if let value = body["attributes"] {
            guard let object = value as? [String: Any] else {
                throw InboxAPIError.badRequest("attributes must be an object of strings")
            }
            guard object.count <= Self.maxAttributes else {
                throw InboxAPIError.badRequest("at most \(Self.maxAttributes) attributes, got \(object.count)")
            }
            var clean: [String: String] = [:]
            for (key, raw) in object {
                let k = key.trimmingCharacters(in: .whitespaces)
                guard (1...40).contains(k.count), !k.contains(where: \.isNewline) else {
                    throw InboxAPIError.badRequest("attribute names must be 1 to 40 characters on one line, got '\(key)'")
                }
                guard let v = raw as? String, v.count <= 500 else {
                    throw InboxAPIError.badRequest("attribute '\(k)' must be a string of at most 500 characters")
                }
                clean[k] = v
            }
            attributes = clean
        }
        guard name != nil || attributes != nil else {
            throw InboxAPIError.badRequest("the body must have \"name\" or \"attributes\"")
        }
        let id = ContactID(request.parameter("id") ?? "")
        let profile = try store.workspace(context.workspace).contactProfiles.update(id, name: name, attributes: attributes)
        logger.info("contact profile changed", [LogKey.workspace: context.workspace.rawValue, "contact": id.rawValue, "author": context.userID])
        return Self.json(InboxJSON.profile(profile))
    }

    /// `POST /contacts/{id}/notes` `{"text"}`: 201 with the note.
    func addContactNote(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let text = try Self.text(request).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4096 else { throw InboxAPIError.badRequest("the note must be 1 to 4096 characters") }
        let id = ContactID(request.parameter("id") ?? "")
        let note = try store.workspace(context.workspace).contactProfiles.addNote(id, author: context.userID, text: text)
        return Self.json(InboxJSON.contactNote(note), status: 201)
    }
}
