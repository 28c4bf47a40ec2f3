import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The `switchboard` command line: one entry per command, each with its options and help.
/// `main.swift` calls `SwitchboardCLI.run` and exits with what it returns.
public enum SwitchboardCLI {
    public static let version = "0.1.0"

    struct Command {
        let name: String
        let summary: String
        let usage: String
        let options: [CommandOptions.Option]
        let run: (CommandOptions) throws -> Int32
    }

    static let configOption = CommandOptions.Option("config", value: "PATH", help: "Host config file (default: config/switchboard.yaml).")

    static var commands: [Command] {
        [
            Command(name: "serve", summary: "Run the host: HTTP server, channels, workers.",
                    usage: "switchboard serve [--config PATH]",
                    options: [configOption], run: ServeCommand.run),
            Command(name: "check", summary: "Validate the config and workspaces; print every problem.",
                    usage: "switchboard check [--config PATH]",
                    options: [configOption], run: CheckCommand.run),
            Command(name: "phone", summary: "Phone number tools: `phone normalize [--region CC] NUMBER...`.",
                    usage: "switchboard phone normalize [--region CC] NUMBER...",
                    // Listed for --help only: `run` dispatches `phone` before option parsing,
                    // since PhoneNormalizeCommand parses its own arguments.
                    options: [], run: { _ in PhoneCommand.run(["--help"]) }),
            Command(name: "events", summary: "Print the journal of a workspace.",
                    usage: "switchboard events [--config PATH] --workspace ID [--conversation ID] [--follow] [--limit N]",
                    options: [configOption,
                              CommandOptions.Option("workspace", value: "ID", help: "Workspace whose journal to print (required)."),
                              CommandOptions.Option("conversation", value: "ID", help: "Only this conversation."),
                              CommandOptions.Option("limit", value: "N", help: "Print at most the last N events (default 100)."),
                              CommandOptions.Option("follow", help: "Keep printing new events as they are written.")],
                    run: EventsCommand.run),
            Command(name: "version", summary: "Print the version.", usage: "switchboard version", options: [],
                    run: { _ in print("switchboard \(version)"); return 0 }),
        ] + extraCommands
    }

    /// Commands contributed by other files (ask, plugins, ...).
    static var extraCommands: [Command] {
        [
            Command(name: "ask", summary: "Run a workspace's responder chain once, offline, and print the verdict.",
                    usage: "switchboard ask [--config PATH] --workspace ID [--json] TEXT",
                    options: [configOption,
                              CommandOptions.Option("workspace", value: "ID", help: "Workspace whose chain answers (required)."),
                              CommandOptions.Option("json", help: "Print exactly one JSON object.")],
                    run: AskCommand.run),
            Command(name: "eval", summary: "Run a labelled question set through a workspace's chain; print precision, coverage and the llm spend.",
                    usage: "switchboard eval [--config PATH] --workspace ID [--json | --details] [--show-wrong] FILE.tsv",
                    options: [configOption,
                              CommandOptions.Option("workspace", value: "ID", help: "Workspace whose chain answers (required)."),
                              CommandOptions.Option("json", help: "Print exactly one JSON object."),
                              CommandOptions.Option("show-wrong", help: "List every wrong answer with its line."),
                              CommandOptions.Option("details", help: "Print one tab-separated row per question instead: line, expected, tier, answered entry, outcome.")],
                    run: EvalCommand.run),
            Command(name: "unrouted", summary: "List inbound messages no workspace took (held, never dropped).",
                    usage: "switchboard unrouted [--config PATH] [--limit N]",
                    options: [configOption, CommandOptions.Option("limit", value: "N", help: "Print at most N, newest first (default 100).")],
                    run: UnroutedCommand.run),
            Command(name: "plugins", summary: "List the plugins found, their versions and ABI, and who uses them.",
                    usage: "switchboard plugins [--config PATH]", options: [configOption], run: PluginsCommand.run),
        ] + AccessCommands.commands + OpsCommands.commands + StorageCommands.commands + ContactCommands.commands + [ChannelsCommand.command(configOption)]
    }

    public static func run(_ argv: [String]) -> Int32 {
        var args = Array(argv.dropFirst())
        guard let name = args.first else {
            printErr(mainHelp())
            return 2
        }
        args.removeFirst()
        if name == "--help" || name == "-h" || name == "help" {
            print(mainHelp())
            return 0
        }
        if name == "--version" { print("switchboard \(version)"); return 0 }
        if name == "phone" { return PhoneCommand.run(args) }
        guard let cmd = commands.first(where: { $0.name == name }) else {
            printErr("switchboard: unknown command '\(name)'. Run 'switchboard --help' for the list.")
            return 2
        }
        do {
            let opts = try CommandOptions.parse(args, options: cmd.options, command: "switchboard \(cmd.name)")
            if opts.has("help") {
                print("Usage: \(cmd.usage)\n\n\(cmd.summary)\n\nOptions:\n\(CommandOptions.help(cmd.options))")
                return 0
            }
            return try cmd.run(opts)
        } catch let e as UsageError {
            printErr("\(e.message)\nRun 'switchboard \(cmd.name) --help' for usage.")
            return 2
        } catch {
            printErr("switchboard \(cmd.name): \(error)")
            return 1
        }
    }

    static func mainHelp() -> String {
        var s = "Switchboard \(version): WhatsApp operations for small businesses.\n\nUsage: switchboard COMMAND [OPTIONS]\n\nCommands:\n"
        for c in commands {
            s += "  " + c.name.padding(toLength: max(10, c.name.count + 2), withPad: " ", startingAt: 0) + c.summary + "\n"
        }
        s += "\nRun 'switchboard COMMAND --help' for a command's options."
        return s
    }
}

/// Writes a line to stderr.
func printErr(_ s: String) {
    let line = s.hasSuffix("\n") ? s : s + "\n"
    FileHandle.standardError.write(line.data(using: .utf8)!)
}
