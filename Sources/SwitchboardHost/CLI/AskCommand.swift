import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardPlugins

/// `switchboard ask [--config PATH] --workspace ID [--json] TEXT`: runs the workspace's
/// responder chain once, offline (no database, no provider: plugin state lives in memory
/// for this run), and prints the verdict. With `--json`, exactly one JSON object:
/// `{"verdict":"reply"|"handoff"|"pass","plugin":NAME,"text":...,"reason":...}`, with
/// `"errors"` and the plugins' journal events (`"events":[{"plugin","event",...}]`) when
/// there are any.
enum AskCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        guard let wsName = options.value("workspace") else { throw UsageError("switchboard ask: --workspace ID is required") }
        let text = options.positional.joined(separator: " ")
        guard !text.isEmpty else { throw UsageError("switchboard ask: give the customer's message as TEXT") }
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        guard let ws = config.workspaces.first(where: { $0.id.rawValue == wsName }) else {
            printErr("switchboard ask: no workspace '\(wsName)' in \(config.host.workspacesDirectory) (have: \(config.workspaces.map(\.id.rawValue).sorted().joined(separator: ", ")))")
            return 1
        }
        let answer: AskAnswer
        do {
            answer = try AskAnswer.run(ws, pluginPaths: config.host.pluginPaths, text: text)
        } catch {
            printErr("switchboard ask: \(error)")
            return 1
        }
        let (verdict, reply, reason, buttons, result) = (answer.verdict, answer.text, answer.reason, answer.buttons, answer.result)
        if options.has("json") {
            var fields = ["\"verdict\":\(JSONText.quoted(verdict))"]
            fields.append("\"plugin\":" + (result.plugin.map(JSONText.quoted) ?? "null"))
            fields.append("\"text\":" + (reply.map(JSONText.quoted) ?? "null"))
            fields.append("\"reason\":" + (reason.map(JSONText.quoted) ?? "null"))
            if !buttons.isEmpty { fields.append("\"buttons\":[" + buttons.map(JSONText.quoted).joined(separator: ",") + "]") }
            if !result.errors.isEmpty {
                fields.append("\"errors\":[" + result.errors.map { JSONText.quoted($0.description) }.joined(separator: ",") + "]")
            }
            if !result.events.isEmpty {
                // The plugins' journal events (ABI 1.3), as `serve` would journal them.
                fields.append("\"events\":[" + result.events.map { EventDetail.json($0.detail) }.joined(separator: ",") + "]")
            }
            print("{" + fields.joined(separator: ",") + "}")
        } else {
            print("verdict: \(verdict)" + (result.plugin.map { " (\($0))" } ?? ""))
            if let reply { print("text: \(reply)") }
            if !buttons.isEmpty { print("buttons: \(buttons.joined(separator: " | "))") }
            if let reason { print("reason: \(reason)") }
            for e in result.errors { print("plugin error: \(e)") }
        }
        return 0
    }
}

/// One run of a workspace's responder chain, offline: a chain of its own loaded from the
/// workspace's config (plugin state in memory for this run, nothing journalled, nothing
/// sent), and what a customer would get. Used by `switchboard ask` and the setup walk's
/// "try a question" (`POST /api/v1/workspace/try`).
struct AskAnswer {
    var verdict = "pass"
    var text: String?
    var reason: String?
    var buttons: [String] = []
    var result: ChainResult

    static func run(_ ws: WorkspaceConfig, pluginPaths: [String], text: String) throws -> AskAnswer {
        let host = PluginHost(searchPaths: pluginPaths, logger: Logger(sink: LogSink(level: .warn)),
                              stateStore: InMemoryPluginStateStore())
        let chain = try host.load(workspace: ws.id, timezone: ws.timeZone.identifier, specs: PluginLoading.specs(ws))
        defer { chain.shutdown() }
        let result = chain.runBlocking(message: PluginMessage(
            workspace: ws.id, channel: ChannelID("ask"), conversation: ConversationID("ask"), message: MessageID("ask"),
            senderE164: "", senderName: "", text: text, kind: .text, timestamp: Date()))
        var answer = AskAnswer(result: result)
        switch result.verdict {
        case .pass:
            if let fb = ws.fallback { answer.text = fb; answer.reason = "no responder answered; the workspace fallback applies" }
        case .reply(let t, let b): answer.verdict = "reply"; answer.text = t; answer.buttons = b
        case .handoff(let r, let m): answer.verdict = "handoff"; answer.reason = r; answer.text = m
        case .template(let t):
            answer.verdict = "template"
            answer.text = "[template \(t.name) (\(t.language))\(t.parameters.isEmpty ? "" : ": " + t.parameters.joined(separator: ", "))]"
        }
        return answer
    }
}

/// `switchboard plugins [--config PATH]`: the plugins found on `plugins.path`, their
/// version and ABI ("1.4 inline" for a plugin that declares SB_PLUGIN_FLAG_INLINE), and
/// which workspaces use them; plugins a workspace names that cannot be loaded are listed
/// with the reason.
enum PluginsCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        let host = PluginHost(searchPaths: config.host.pluginPaths, logger: Logger(sink: LogSink(level: .error)),
                              stateStore: InMemoryPluginStateStore())
        var users: [String: [String]] = [:]
        for w in config.workspaces { for p in w.plugins { users[p.name, default: []].append(w.id.rawValue) } }
        var rows: [[String]] = [["NAME", "VERSION", "ABI", "WORKSPACES", "FILE"]]
        var named = Set<String>()
        var failed = false
        for (name, _) in host.filesOnSearchPath() {
            guard let info = try? host.inspect(name: name) else { continue }   // a library that is not a plugin
            named.insert(name)
            rows.append([name, info.version, abiColumn(info), (users[name] ?? []).sorted().joined(separator: ","), info.file])
        }
        for (name, ws) in users.sorted(by: { $0.key < $1.key }) where !named.contains(name) {
            let file = config.workspaces.flatMap(\.plugins).first { $0.name == name }?.file
            do {
                let info = try host.inspect(name: name, file: file)
                rows.append([name, info.version, abiColumn(info), ws.sorted().joined(separator: ","), info.file])
            } catch {
                failed = true
                rows.append([name, "-", "-", ws.sorted().joined(separator: ","), "error: \(error)"])
            }
        }
        let widths = (0..<4).map { i in rows.map { $0[i].count }.max() ?? 0 }
        for r in rows {
            print((0..<4).map { r[$0].padding(toLength: widths[$0] + 2, withPad: " ", startingAt: 0) }.joined() + r[4])
        }
        print("host plugin ABI: \(PluginHost.abiVersion)")
        return failed ? 1 : 0
    }

    static func abiColumn(_ info: PluginInfo) -> String {
        info.callsInline ? info.abi + " inline" : info.abi
    }
}
