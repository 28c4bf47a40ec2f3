import Foundation
import SwitchboardAuth
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP

/// The setup walk's channel step (docs/inbox-api.md "Setup walk"): a workspace's owner or
/// admin connects a channel without anyone touching the server. The channel is written to
/// the workspace's own file (`channels:`, the host's `channels[]` keys, routed to this
/// workspace) by `WorkspaceConfigEditor.write` (atomic, `.prev` kept, audit entry with who
/// made it) and started by the reload that write runs (`Pipeline.startAddedChannels`), as a
/// channel the operator adds to the host config is.
///
/// - A WhatsApp Cloud API number (phone_number_id, access token) on one of the host's Meta
///   apps (`whatsapp.apps`: the app's secret and verify token are the operator's, its
///   webhook URL `/webhooks/whatsapp/APP` is set once in Meta's dashboard). The token is
///   checked with the Graph API first (`GET /{phone_number_id}?fields=id`): refused, nothing
///   is written.
/// - A web chat (one per workspace: `/chat/WORKSPACE`), which answers at once.
/// - A WhatsApp Web pairing: an Evolution API gateway (base_url, api_key, an instance
///   that exists there), checked with `GET /instance/connectionState` first; the channel
///   starts its session and the walk shows the QR code (`GET /channels`).
///
/// Secrets (access token, api key, webhook secret) are never answered back: only their
/// last four characters.
extension SetupAPI {
    static let channelTypes = ["whatsapp", "whatsapp_web", "webchat"]

    /// `••••1234`: enough to tell two tokens apart, nothing to use.
    static func masked(_ secret: String?) -> Any {
        guard let secret, !secret.isEmpty else { return NSNull() }
        return WorkspaceConfigEditor.mask(secret)
    }

    static func channelJSON(_ c: ChannelConfig) -> [String: Any] {
        var out: [String: Any] = ["id": c.id.rawValue, "type": c.type.rawValue]
        switch c.type {
        case .whatsapp:
            out["app"] = c.app ?? NSNull()
            out["phone_number_id"] = c.phoneNumberID ?? NSNull()
            out["waba_id"] = c.wabaID ?? NSNull()
            out["access_token"] = masked(c.accessToken)
        case .whatsappWeb:
            out["base_url"] = c.evolution?.baseURL ?? NSNull()
            out["instance"] = c.evolution?.instance ?? NSNull()
            out["api_key"] = masked(c.evolution?.apiKey)
        case .telegram:
            out["bot_token"] = masked(c.botToken)
        case .webchat:
            break
        }
        return out
    }

    /// `GET /workspace/setup/channels`: the channels the workspace's own file defines, and
    /// the host's Meta apps a Cloud API number can be connected on.
    func ownChannels(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let config = editor.reloader.config
        guard let ws = config.workspaces.first(where: { $0.id == context.workspace }) else {
            throw InboxAPIError.notFound("workspace \(context.workspace) has no config file this host can read")
        }
        return AdminAPI.json([
            "channels": ws.channels.map(Self.channelJSON),
            "apps": config.host.whatsAppApps.map { ["id": $0.id, "webhook_path": "/webhooks/whatsapp/\($0.id)"] },
            "types": Self.channelTypes,
            // The gateways a WhatsApp Web pairing may use (whatsapp_web.workspace_gateways).
            "gateways": config.host.workspaceGateways,
        ])
    }

    /// A channel id not used in the host yet: `WORKSPACE-KIND`, then `-2`, `-3`...
    static func freeChannelID(_ base: String, taken: Set<String>) -> String {
        if !taken.contains(base) { return base }
        var n = 2
        while taken.contains("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95
        }
    }

    /// `POST /workspace/setup/channels`: connects a channel (201 with the reload's outcome,
    /// 422 refused: by the provider or by the config's checks, and nothing written).
    func connectChannel(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        func field(_ key: String) -> String { (body[key] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let type = field("type")
        guard Self.channelTypes.contains(type) else {
            throw InboxAPIError.badRequest("type must be one of \(Self.channelTypes.joined(separator: ", "))")
        }
        let config = editor.reloader.config
        let taken = Set(config.host.channels.map(\.id.rawValue))
        var id = field("id")
        if id.isEmpty {
            let kind = ["whatsapp": "whatsapp", "whatsapp_web": "wa-web", "webchat": "chat"][type] ?? type
            id = Self.freeChannelID("\(context.workspace.rawValue)-\(kind)", taken: taken)
        }
        guard Self.isIdentifier(id) else { throw InboxAPIError.badRequest("id: a-z, 0-9, - and _ only (64 at most)") }

        if type == "webchat", let chat = config.host.channels.first(where: { $0.type == .webchat && $0.workspace == context.workspace }) {
            throw InboxAPIError(409, "this workspace has a web chat already (\(chat.id)): its address is /chat/\(context.workspace)")
        }
        var pairs: [(String, YAMLNode)] = [("id", YAMLFileEdit.plain(id)), ("type", YAMLFileEdit.plain(type))]
        if type == "whatsapp" {
            let number = field("phone_number_id")
            let token = field("access_token")
            let waba = field("waba_id")
            let digits: (String) -> Bool = { !$0.isEmpty && $0.utf8.count <= 32 && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
            guard digits(number) else {
                throw InboxAPIError.badRequest("phone_number_id: the number's id in the Cloud API (digits, from WhatsApp Manager > API setup), not the phone number")
            }
            guard !token.isEmpty, token.utf8.count <= 4096, !token.contains(where: \.isWhitespace) else {
                throw InboxAPIError.badRequest("access_token: give the number's access token (a system user's permanent token)")
            }
            guard waba.isEmpty || digits(waba) else { throw InboxAPIError.badRequest("waba_id: digits only") }
            let apps = config.host.whatsAppApps
            var appID = field("app")
            if appID.isEmpty, apps.count == 1 { appID = apps[0].id }
            guard let app = apps.first(where: { $0.id == appID }) else {
                throw InboxAPIError(422, apps.isEmpty
                    ? "this host has no WhatsApp app (whatsapp.apps in the host config): ask the operator to add one"
                    : "app: one of \(apps.map(\.id).joined(separator: ", "))")
            }
            // The token is checked with Meta before anything is written.
            let client = GraphAPIClient(configuration: .init(graphURL: app.graphURL, phoneNumberID: number, accessToken: token,
                                                             requestTimeout: .seconds(10)))
            do {
                try client.probeNumber()
            } catch {
                let why = error.kind == .auth
                    ? "the Cloud API refused the access token"
                    : error.httpStatus == 400 ? "the Cloud API does not know phone number id \(number) for this token"
                    : "the access token could not be checked with the Cloud API"
                throw InboxAPIError(422, "\(why): \(error.title)\(error.code.map { " (code \($0))" } ?? ""); nothing was saved",
                                    code: "provider_refused")
            }
            pairs += [("app", YAMLFileEdit.plain(app.id)), ("phone_number_id", YAMLFileEdit.string(number)),
                      ("access_token", YAMLFileEdit.string(token))]
            if !waba.isEmpty { pairs.append(("waba_id", YAMLFileEdit.string(waba))) }
        } else if type == "whatsapp_web" {
            let base = field("base_url")
            let key = field("api_key")
            let instance = field("instance").isEmpty ? context.workspace.rawValue : field("instance")
            guard let url = URLComponents(string: base), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
                throw InboxAPIError.badRequest("base_url: the gateway's http(s) URL, like http://127.0.0.1:8081")
            }
            // Only a gateway the operator lists is ever called (the host would otherwise
            // probe any address a workspace admin typed).
            guard config.host.allowsWorkspaceGateway(base) else {
                let allowed = config.host.workspaceGateways
                throw InboxAPIError(422, allowed.isEmpty
                    ? "base_url: this host does not let workspaces connect WhatsApp Web sessions (the operator lists gateways in whatsapp_web.workspace_gateways)"
                    : "base_url: use one of this host's gateways: \(allowed.joined(separator: ", ")) (whatsapp_web.workspace_gateways)",
                    code: "gateway_not_allowed")
            }
            guard !key.isEmpty, !key.contains(where: \.isWhitespace) else { throw InboxAPIError.badRequest("api_key: give the gateway's API key") }
            guard instance.utf8.count <= 100, !instance.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                throw InboxAPIError.badRequest("instance: a name without spaces or /")
            }
            // The gateway is asked once before anything is written (as a reload asks a
            // running channel's new gateway): the key and the instance must be right.
            let client = EvolutionClient(configuration: .init(baseURL: base, apiKey: key, instance: instance,
                                                              connectTimeout: .seconds(5), requestTimeout: .seconds(10)))
            do {
                _ = try client.connectionState()
            } catch {
                let why = error.kind == .auth
                    ? "the gateway refused the API key or has no instance '\(instance)'"
                    : "the gateway could not be reached"
                throw InboxAPIError(422, "\(why) (GET /instance/connectionState: \(error.title)); nothing was saved",
                                    code: "provider_refused")
            }
            let secret: String
            do { secret = try Secrets.token() } catch { throw InboxAPIError(500, "no random secret: \(error)") }
            pairs += [("gateway", YAMLFileEdit.plain("evolution")), ("base_url", YAMLFileEdit.string(base)),
                      ("api_key", YAMLFileEdit.string(key)), ("instance", YAMLFileEdit.string(instance)),
                      ("webhook_secret", YAMLFileEdit.string(secret))]
        }

        var (text, root, path) = try file(context)
        var items: [YAMLNode] = []
        if let list = root["channels"] {
            guard case .sequence(let existing) = list.kind else {
                throw YAMLFileEdit.Refusal(description: "channels: is not a list in the file; edit it as text")
            }
            items = existing
        }
        items.append(YAMLFileEdit.map(pairs))
        text = try YAMLFileEdit.setting("channels", to: YAMLFileEdit.list(items), in: text, file: path)
        let outcome = editor.write(context.workspace, text: text, actor: context.actor)
        guard outcome.applied else { return AdminAPI.json(outcome.json, status: 422) }
        try mark(context, step: "channel", done: true)
        let what = type == "whatsapp" ? "WhatsApp Cloud API number \(field("phone_number_id"))"
            : type == "webchat" ? "web chat" : "WhatsApp Web pairing"
        let running = outcome.channelsStarted.contains(id) || type == "webchat"
        _ = try store.workspace(context.workspace).audit.record(
            actor: context.actor, action: "channel_connected",
            summary: "channel \(id) connected in the setup walk: \(what); started: \(running ? "yes" : "no")")
        let connected = editor.reloader.config.host.channels.first { $0.id.rawValue == id }
        return AdminAPI.json(["channel": connected.map(Self.channelJSON) ?? ["id": id, "type": type],
                              "reload": outcome.json], status: 201)
    }

    /// `DELETE /workspace/setup/channels/{id}`: removes a channel from the workspace's own
    /// file (404 for any channel it does not define). It stops at the next restart.
    func removeChannel(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        var (text, root, path) = try file(context)
        guard case .sequence(let items)? = root["channels"]?.kind,
              let index = items.firstIndex(where: { $0["id"]?.scalarValue == id }) else {
            throw InboxAPIError.notFound("channel \(id) is not one of this workspace's own channels")
        }
        var rest = items
        rest.remove(at: index)
        text = try YAMLFileEdit.setting("channels", to: rest.isEmpty ? nil : YAMLFileEdit.list(rest), in: text, file: path)
        let outcome = editor.write(context.workspace, text: text, actor: context.actor)
        if outcome.applied {
            _ = try store.workspace(context.workspace).audit.record(
                actor: context.actor, action: "channel_removed",
                summary: "channel \(id) removed from the workspace's file; it stops at the next restart")
        }
        return AdminAPI.json(outcome.json, status: outcome.applied ? 200 : 422)
    }
}
