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
        var limit = 100
        if let l = options.value("limit") {
            guard let n = Int(l), n > 0 else { throw UsageError("switchboard unrouted: --limit needs a positive number, got '\(l)'") }
            limit = n
        }
        let path = ConfigLoading.path(options)
        let config: LoadedConfig
        do { config = try ConfigLoading.load(path) } catch {
            printErr(error.description)
            return 1
        }
        let store: any Store
        do { store = try Host.openStore(config.host, logger: nil) } catch {
            printErr("switchboard unrouted: \(error)")
            return 1
        }
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
