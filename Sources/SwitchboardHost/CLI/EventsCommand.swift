import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardConfig

/// `switchboard events --workspace ID [--conversation ID] [--limit N] [--follow]`: prints
/// the journal of a workspace, one line per event:
/// `TIME KIND conversation=… message=… channel=… {detail}`. With `--follow` it keeps
/// printing new events (polling the database every 200 ms) until interrupted.
enum EventsCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        guard let wsName = options.value("workspace") else { throw UsageError("switchboard events: --workspace ID is required") }
        guard WorkspaceID.isValid(wsName) else { throw UsageError("switchboard events: '\(wsName)' is not a workspace id") }
        let limit = try options.positiveInt("limit", default: 100, command: "switchboard events")
        guard let config = ConfigLoading.forCommand(options),
              let store = ConfigLoading.openStore(config, command: "switchboard events") else { return 1 }
        defer { store.close() }
        let ws = store.workspace(WorkspaceID(wsName))
        guard try ws.record() != nil else {
            printErr("switchboard events: workspace '\(wsName)' is not in the database (is it configured, and has the host run?)")
            return 1
        }
        let conversation = options.value("conversation").map { ConversationID($0) }
        var cursor: Int64 = 0
        let initial = try ws.events.tail(conversation: conversation, limit: limit)
        for e in initial { print(format(e)) }
        cursor = initial.last?.id ?? 0
        fflush(nil)
        guard options.has("follow") else { return 0 }
        while true {
            let more = try ws.events.list(conversation: conversation, after: cursor, limit: 1000)
            for e in more { print(format(e)) }
            if let last = more.last { cursor = last.id; fflush(nil) }
            if more.count < 1000 { usleep(200_000) }
        }
    }

    static func format(_ e: Event) -> String {
        var s = "\(timestamp(e.createdAt)) \(e.kind.rawValue)"
        if let c = e.conversationID { s += " conversation=\(c)" }
        if let m = e.messageID { s += " message=\(m)" }
        if let ch = e.channelID { s += " channel=\(ch)" }
        if e.detailJSON != "{}" { s += " \(e.detailJSON)" }
        return s
    }

    static func timestamp(_ d: Date) -> String { RFC3339.string(d) }
}
