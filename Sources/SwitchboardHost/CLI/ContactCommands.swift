import Foundation
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// `switchboard contact export|erase`: a customer's data, for the workspace's owner
/// (GDPR's access and erasure requests). Works on the database directly, with the host
/// running or not; the same as the API's `/contacts/{id}/export` and `/erase`.
enum ContactCommands {
    static var commands: [SwitchboardCLI.Command] {
        [
            SwitchboardCLI.Command(
                name: "contact", summary: "A customer's data: `contact export` (one JSON file) or `contact erase`.",
                usage: "switchboard contact export|erase [--config PATH] --workspace ID [--output FILE] [--yes] CONTACT",
                options: [SwitchboardCLI.configOption,
                          CommandOptions.Option("workspace", value: "ID", help: "The contact's workspace (required)."),
                          CommandOptions.Option("output", value: "FILE", help: "export: write the JSON here instead of stdout."),
                          CommandOptions.Option("yes", help: "erase: really erase (without it, erase says what it would do and stops).")],
                run: run),
        ]
    }

    static func run(_ options: CommandOptions) throws -> Int32 {
        guard options.positional.count == 2, ["export", "erase"].contains(options.positional[0]) else {
            throw UsageError("switchboard contact: expected 'contact export CONTACT' or 'contact erase CONTACT' (CONTACT: a contact id or a number in E.164, +...)")
        }
        let action = options.positional[0], who = options.positional[1]
        let command = "switchboard contact \(action)"
        let workspace = try AccessCommands.workspaceOption(options, command)
        var status: Int32 = 0
        let setup = try AccessCommands.withStore(options, workspace, command) { store in
            guard let contact = try DataCare.findContact(store: store, workspace: workspace, who) else {
                printErr("\(command): no contact '\(who)' in workspace \(workspace)")
                status = 1
                return
            }
            if action == "export" {
                let json = try DataCare.exportJSON(store: store, workspace: workspace, contact: contact.id, at: Date()) ?? "{}"
                if let file = options.value("output") {
                    try Data((json + "\n").utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
                    print("exported contact \(contact.id) of workspace \(workspace) to \(file)")
                } else {
                    print(json)
                }
                return
            }
            guard options.has("yes") else {
                let export = try store.workspace(workspace).dataCare.export(contact: contact.id)
                print("would erase contact \(contact.id) (\(contact.e164)) of workspace \(workspace): \(export?.conversations.count ?? 0) conversations, \(export?.messages.count ?? 0) messages; run again with --yes to erase")
                status = 1
                return
            }
            let logger = Logger(sink: LogSink(level: .warn, format: .text))
            let config = ConfigLoading.forCommand(options)
            let databasePath: String? = config.flatMap { if case .sqlite(let path, _) = $0.host.storage { path } else { nil } }
            let media = config.map { MediaStore(root: MediaStore.root(configured: $0.host.media.dir, databasePath: databasePath)) }
            let report = try DataCare.erase(store: store, workspace: workspace, contact: contact.id,
                                            by: "cli:\(NSUserName())", media: media, logger: logger,
                                            scope: config.map { DataCare.ErasureScope($0, workspace: workspace) } ?? DataCare.ErasureScope())
            if let report {
                print("erased contact \(report.contact) of workspace \(workspace): \(report.messages) messages, \(report.events) journal entries emptied; \(report.cancelledReplies) queued replies cancelled; \(report.unrouted) held messages and \(report.pluginState) plugin state entries removed")
            }
        }
        return setup != 0 ? setup : status
    }
}
