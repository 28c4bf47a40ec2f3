import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The setup walk's routes (web/setup/, docs/inbox-api.md "Setup walk"): what a new
/// business has set up so far, and one save per step. Every save is an edit of the
/// workspace's own file written by `WorkspaceConfigEditor.write` (the same path as
/// `PUT /workspace/config`: atomic, `.prev` kept, reloaded, refused as a whole with the
/// file's `FILE:LINE:COLUMN` errors). The walk only rewrites the keys it sets (`name`,
/// `timezone`, `plugins`: the faq plugin's `entries` and the handoff plugin's `hours`);
/// the rest of the file, comments included, stays as written.
///
/// Progress (each step done or skipped) is the audit trail's `setup_done` /
/// `setup_skipped` entries: visible to owners, the same on every device, resumable.
struct SetupAPI: Sendable {
    let store: any Store
    let logger: Logger
    let editor: WorkspaceConfigEditor

    static let steps = ["business", "channel", "faq", "handoff", "team"]

    func addRoutes(to router: inout HTTPRouter, catalog: APIRouteCatalog, inbox: InboxAPI,
                   authenticate: @escaping @Sendable (HTTPRequest) -> Result<AuthContext, HTTPResponse>) {
        func route(_ method: String, _ path: String, _ minimum: UserRole,
                   _ body: @escaping @Sendable (HTTPRequest, AuthContext) throws -> HTTPResponse) {
            catalog.add(&router, method, path, minimum, authenticate: authenticate) { request, context in
                inbox.handle(request, context) { request, context in
                    do {
                        return try body(request, context)
                    } catch let refusal as YAMLFileEdit.Refusal {
                        throw InboxAPIError(422, refusal.description)
                    }
                }
            }
        }
        route("GET", "/workspace/setup", .admin, state)
        route("PUT", "/workspace/setup/business", .admin, business)
        route("PUT", "/workspace/setup/faq", .admin, faq)
        route("PUT", "/workspace/setup/handoff", .admin, handoff)
        route("POST", "/workspace/setup/progress", .admin, progress)
        route("POST", "/workspace/try", .admin, tryQuestion)
        // SetupChannels.swift: the owner connects a channel.
        route("GET", "/workspace/setup/channels", .admin, ownChannels)
        route("POST", "/workspace/setup/channels", .admin, connectChannel)
        route("DELETE", "/workspace/setup/channels/{id}", .admin, removeChannel)
    }

    // MARK: - Reading

    func file(_ context: AuthContext) throws -> (text: String, root: YAMLNode, path: String) {
        guard let path = editor.file(context.workspace), let text = try editor.read(context.workspace) else {
            throw InboxAPIError.notFound("workspace \(context.workspace) has no config file this host can read")
        }
        return (text, try YAMLFileEdit.root(text, file: path), path)
    }

    static func plugin(_ root: YAMLNode, _ name: String) -> YAMLNode? {
        guard case .sequence(let items)? = root["plugins"]?.kind else { return nil }
        return items.first { $0["name"]?.scalarValue == name }
    }

    static func json(_ node: YAMLNode?) -> Any {
        guard let node, case .success(let text) = node.jsonText(),
              let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return NSNull() }
        return value
    }

    /// Each step's state: "done", "skipped" or null, from the audit trail (newest wins).
    func progressStates(_ workspace: WorkspaceID) throws -> [String: Any] {
        var states: [String: Any] = Dictionary(uniqueKeysWithValues: Self.steps.map { ($0, NSNull() as Any) })
        var seen = Set<String>()
        for e in try store.workspace(workspace).audit.list(before: nil, limit: 1000)
        where e.action == "setup_done" || e.action == "setup_skipped" {
            let step = e.summary.split(separator: " ").first.map(String.init) ?? ""
            guard Self.steps.contains(step), !seen.contains(step) else { continue }
            seen.insert(step)
            states[step] = e.action == "setup_done" ? "done" : "skipped"
        }
        return states
    }

    func state(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let (_, root, _) = try file(context)
        let faq = Self.plugin(root, "faq")
        let handoff = Self.plugin(root, "handoff")
        var hours: Any = NSNull()
        if let h = handoff?["config"]?["hours"] {
            if let s = h.scalarValue { hours = s }
            else if case .sequence(let items) = h.kind { hours = items.compactMap(\.scalarValue).joined(separator: ", ") }
        }
        let entries = Self.json(faq?["config"]?["entries"])
        return AdminAPI.json([
            "workspace": context.workspace.rawValue,
            "name": root["name"]?.scalarValue ?? "",
            "timezone": root["timezone"]?.scalarValue ?? "",
            "faq": ["entries": entries is NSNull ? [Any]() : entries,
                    "from_file": faq?["config_file"] != nil] as [String: Any],
            "handoff": ["hours": hours, "in_chain": handoff != nil] as [String: Any],
            "plugins": (try? pluginNames(root)) ?? [],
            "steps": Self.steps,
            "progress": try progressStates(context.workspace),
        ])
    }

    func pluginNames(_ root: YAMLNode) throws -> [String] {
        guard case .sequence(let items)? = root["plugins"]?.kind else { return [] }
        return items.compactMap { $0["name"]?.scalarValue }
    }

    // MARK: - Saving

    /// Writes `text` through the editor, records the step done, and answers as
    /// `PUT /workspace/config` does (200 applied, 422 refused with the errors).
    func save(_ context: AuthContext, step: String, text: String) throws -> HTTPResponse {
        let outcome = editor.write(context.workspace, text: text, actor: context.actor)
        if outcome.applied { try mark(context, step: step, done: true) }
        return AdminAPI.json(outcome.json, status: outcome.applied ? 200 : 422)
    }

    func mark(_ context: AuthContext, step: String, done: Bool) throws {
        _ = try store.workspace(context.workspace).audit.record(
            actor: context.actor, action: done ? "setup_done" : "setup_skipped",
            summary: "\(step) \(done ? "done" : "skipped") in the setup walk")
    }

    func business(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        let name = (body["name"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let zone = (body["timezone"] as? String ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw InboxAPIError.badRequest("name: give the business's name") }
        guard name.count <= 200 else { throw InboxAPIError.badRequest("name: 200 characters at most") }
        guard TimeZone(identifier: zone) != nil else {
            throw InboxAPIError.badRequest("timezone: \"\(zone)\" is not an IANA time zone (like Africa/Lagos or America/Mexico_City)")
        }
        var (text, _, path) = try file(context)
        text = try YAMLFileEdit.setting("name", to: YAMLFileEdit.string(name), in: text, file: path)
        text = try YAMLFileEdit.setting("timezone", to: YAMLFileEdit.string(zone), in: text, file: path)
        return try save(context, step: "business", text: text)
    }

    /// The chain with `plugin` changed by `change` (nil item: absent; return nil to remove
    /// it); an absent plugin that `change` creates goes first (`atStart`) or last.
    func editingPlugin(_ root: YAMLNode, _ name: String, atStart: Bool,
                       _ change: (YAMLNode?) throws -> YAMLNode?) throws -> YAMLNode {
        var items: [YAMLNode] = []
        if let plugins = root["plugins"] {
            guard case .sequence(let list) = plugins.kind else {
                throw YAMLFileEdit.Refusal(description: "plugins: is not a list in the file; edit it as text")
            }
            items = list
        }
        if let i = items.firstIndex(where: { $0["name"]?.scalarValue == name }) {
            if let changed = try change(items[i]) { items[i] = changed } else { items.remove(at: i) }
        } else if let created = try change(nil) {
            if atStart { items.insert(created, at: 0) } else { items.append(created) }
        }
        return YAMLFileEdit.list(items)
    }

    func faq(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        guard let given = body["entries"] as? [Any] else { throw InboxAPIError.badRequest("entries must be a list") }
        var entries: [YAMLNode] = []
        var ids = Set<String>()
        for (n, any) in given.enumerated() {
            guard let e = any as? [String: Any] else { throw InboxAPIError.badRequest("entries[\(n)] must be an object") }
            let questions = ((e["questions"] as? [Any]) ?? []).compactMap { ($0 as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
            let answer = (e["answer"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !questions.isEmpty else { throw InboxAPIError.badRequest("entry \(n + 1): give at least one question") }
            guard !answer.isEmpty else { throw InboxAPIError.badRequest("entry \(n + 1): give the answer") }
            var id = (e["id"] as? String ?? "").trimmingCharacters(in: .whitespaces)
            if id.isEmpty || ids.contains(id) { id = "q\(n + 1)" }
            while ids.contains(id) { id += "x" }
            ids.insert(id)
            entries.append(YAMLFileEdit.map([("id", YAMLFileEdit.string(id)),
                                             ("questions", YAMLFileEdit.list(questions.map(YAMLFileEdit.string))),
                                             ("answer", YAMLFileEdit.string(answer))]))
        }
        var (text, root, path) = try file(context)
        let plugins = try editingPlugin(root, "faq", atStart: true) { item in
            if item?["config_file"] != nil {
                throw YAMLFileEdit.Refusal(description: "the faq plugin reads its entries from a config_file on the server; edit that file there")
            }
            if entries.isEmpty { return nil }   // no entries: no faq plugin (it needs one)
            let base = item ?? YAMLFileEdit.map([("name", YAMLFileEdit.plain("faq"))])
            let config = (base["config"] ?? YAMLFileEdit.map([])).setting("entries", YAMLFileEdit.list(entries))
            return base.setting("config", config)
        }
        text = try YAMLFileEdit.setting("plugins", to: plugins, in: text, file: path)
        return try save(context, step: "faq", text: text)
    }

    func handoff(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        let hours = (body["hours"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var (text, root, path) = try file(context)
        let plugins = try editingPlugin(root, "handoff", atStart: false) { item in
            let base = item ?? YAMLFileEdit.map([("name", YAMLFileEdit.plain("handoff"))])
            if item == nil && hours.isEmpty { return nil }
            let config = (base["config"] ?? YAMLFileEdit.map([])).setting("hours", hours.isEmpty ? nil : YAMLFileEdit.string(hours))
            return base.setting("config", config)
        }
        text = try YAMLFileEdit.setting("plugins", to: plugins, in: text, file: path)
        return try save(context, step: "handoff", text: text)
    }

    func progress(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        guard let step = body["step"] as? String, Self.steps.contains(step) else {
            throw InboxAPIError.badRequest("step must be one of \(Self.steps.joined(separator: ", "))")
        }
        guard let state = body["state"] as? String, state == "done" || state == "skipped" else {
            throw InboxAPIError.badRequest("state must be \"done\" or \"skipped\"")
        }
        try mark(context, step: step, done: state == "done")
        return AdminAPI.json(["progress": try progressStates(context.workspace)])
    }

    // MARK: - Try a question

    /// Runs the workspace's chain, as saved in its file, once on `text` (like
    /// `switchboard ask`: a chain of its own, state in memory, nothing sent or journalled)
    /// and says what a customer would get.
    func tryQuestion(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        let text = (body["text"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw InboxAPIError.badRequest("text: give the question a customer would ask") }
        guard text.utf8.count <= 4096 else { throw InboxAPIError.badRequest("text: 4096 bytes at most") }
        let config: LoadedConfig
        do {
            config = try ConfigLoading.load(editor.reloader.path)
        } catch {
            throw InboxAPIError(422, "the config does not load: " + error.errors.map(\.description).joined(separator: "; "))
        }
        guard let ws = config.workspaces.first(where: { $0.id == context.workspace }) else {
            throw InboxAPIError.notFound("workspace \(context.workspace) is not in the config")
        }
        let answer: AskAnswer
        do {
            answer = try AskAnswer.run(ws, pluginPaths: config.host.pluginPaths, text: text)
        } catch {
            throw InboxAPIError(422, "the responder chain does not load: \(error)")
        }
        return AdminAPI.json([
            "verdict": answer.verdict,
            "plugin": answer.result.plugin ?? NSNull(),
            "text": answer.text ?? NSNull(),
            "reason": answer.reason ?? NSNull(),
            "buttons": answer.buttons,
            "errors": answer.result.errors.map(\.description),
        ])
    }
}
