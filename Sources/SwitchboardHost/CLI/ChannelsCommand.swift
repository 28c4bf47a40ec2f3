import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardStore

/// `switchboard channels [--config PATH] [--json]`: every configured channel, its type and
/// workspace, and the state the running host last recorded for it (since when, and why
/// for a failure). A channel the host never ran shows `unknown`. Exit status 0 when every
/// channel is up (connected or starting), 3 when one is down, so a monitor can call it.
enum ChannelsCommand {
    static func command(_ configOption: CommandOptions.Option) -> SwitchboardCLI.Command {
        SwitchboardCLI.Command(
            name: "channels", summary: "List the channels, their state (connected, degraded, auth_failed, ...) and since when.",
            usage: "switchboard channels [--config PATH] [--json] | --qr ID [--number DIGITS] [--png FILE]",
            options: [configOption, CommandOptions.Option("json", help: "Print one JSON object per line.")] + ChannelPairingCommand.options,
            run: run)
    }

    static func run(_ options: CommandOptions) throws -> Int32 {
        if options.value("qr") != nil { return try ChannelPairingCommand.run(options) }
        guard let config = ConfigLoading.forCommand(options),
              let store = ConfigLoading.openStore(config, command: "switchboard channels") else { return 1 }
        defer { store.close() }
        let recorded = Dictionary(try store.channelStatus.all().map { ($0.channel, $0) }, uniquingKeysWith: { a, _ in a })
        if config.host.channels.isEmpty {
            print("no channels configured")
            return 0
        }
        var down = false
        for c in config.host.channels {
            let status = recorded[c.id]
            if status?.isDown == true { down = true }
            let serves = c.workspace.map { "workspace=\($0)" } ?? c.fallbackWorkspace.map { "shared fallback=\($0)" } ?? "shared"
            if options.has("json") {
                var o: [String: String] = ["id": c.id.rawValue, "type": c.type.rawValue, "state": status?.state.rawValue ?? "unknown"]
                if let w = c.workspace ?? c.fallbackWorkspace { o["workspace"] = w.rawValue }
                if let s = status { o["since"] = EventsCommand.timestamp(s.since) }
                if let r = status?.reason { o["reason"] = r }
                print(EventDetail.json(o))
            } else {
                var line = "\(c.id) \(c.type.rawValue) \(serves) state=\(status?.state.rawValue ?? "unknown")"
                if let s = status { line += " since=\(EventsCommand.timestamp(s.since))" }
                if let r = status?.reason { line += " reason=\(UnroutedCommand.quote(r))" }
                print(line)
            }
        }
        return down ? 3 : 0
    }
}
