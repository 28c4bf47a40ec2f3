import Foundation
import SwitchboardConfig
import SwitchboardStore

/// `switchboard unrouted [--config PATH] [--limit N]`: the inbound messages no workspace
/// took (a number no channel has, or a sender nobody lists on a shared number without a
/// fallback), newest first. They are kept, never dropped, until an admin acts on them
/// (add the channel or the sender to a workspace; the provider's redelivery, or a replay,
/// then routes them).
enum UnroutedCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        let limit = try options.positiveInt("limit", default: 100, command: "switchboard unrouted")
        guard let config = ConfigLoading.forCommand(options),
              let store = ConfigLoading.openStore(config, command: "switchboard unrouted") else { return 1 }
        defer { store.close() }
        let held = try store.queue.unrouted(limit: limit)
        if held.isEmpty {
            print("no unrouted messages")
            return 0
        }
        for u in held {
            var line = "\(EventsCommand.timestamp(u.createdAt)) \(u.providerMessageID) to=\(u.providerAddress)"
            if let c = u.channelID { line += " channel=\(c)" }
            if let s = u.sender { line += " from=\(s)" }
            line += " reason=\(quote(u.reason))"
            print(line)
        }
        return 0
    }
}


extension UnroutedCommand {
    static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "'") + "\"" }
}
