import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardStore

/// `switchboard workspace add`: an operator onboards a business. Writes the workspace's
/// file (refused if the id is taken or the config does not check with it: the file is
/// removed again), applies it to the running host without a restart (as `reload` does)
/// or stores it for the next start, and prints the owner's invite link.
enum WorkspaceCommand {
    static var command: SwitchboardCLI.Command {
        SwitchboardCLI.Command(
            name: "workspace", summary: "Onboard a business: `workspace add --id ID --name N --owner-email E` (prints the owner's invite link).",
            usage: "switchboard workspace add [--config PATH] --id ID --name NAME --owner-email E [--region CC] [--timezone TZ] [--base-url URL]",
            options: [SwitchboardCLI.configOption,
                      CommandOptions.Option("id", value: "ID", help: "The workspace id: lower-case letters, digits and - (required)."),
                      CommandOptions.Option("name", value: "NAME", help: "The business's name (required)."),
                      CommandOptions.Option("owner-email", value: "E", help: "Who gets the owner's invite link (required)."),
                      CommandOptions.Option("region", value: "CC", help: "Default region for phone numbers (default NG)."),
                      CommandOptions.Option("timezone", value: "TZ", help: "IANA time zone (default UTC)."),
                      CommandOptions.Option("base-url", value: "URL", help: "How people reach the host, put before the link (default http://LISTEN).")],
            run: run)
    }

    static func run(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard workspace add"
        guard options.positional == ["add"] else {
            throw UsageError("switchboard workspace: expected 'workspace add', got '\(options.positional.joined(separator: " "))'")
        }
        guard let id = options.value("id"), WorkspaceID.isValid(id) else {
            throw UsageError("\(command): --id ID is required: lower-case letters, digits and -")
        }
        guard let name = options.value("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw UsageError("\(command): --name NAME is required")
        }
        guard let owner = options.value("owner-email") else { throw UsageError("\(command): --owner-email E is required") }
        let workspace = WorkspaceID(id)
        let path = ConfigLoading.path(options)
        guard let before = ConfigLoading.forCommand(options) else {
            printErr("\(command): fix the config first; nothing was written")
            return 1
        }
        let file = (before.host.workspacesDirectory as NSString).appendingPathComponent("\(id).yaml")
        guard !before.workspaces.contains(where: { $0.id == workspace }), !FileManager.default.fileExists(atPath: file) else {
            printErr("\(command): workspace \(id) exists already (\(file))")
            return 1
        }
        let text = WorkspaceConfigEditor.newWorkspaceText(id: workspace, name: name,
                                                          region: options.value("region") ?? "NG",
                                                          timezone: options.value("timezone") ?? "UTC")
        try WorkspaceConfigEditor.replace(file, with: Data(text.utf8))
        let config: LoadedConfig
        do {
            config = try ConfigLoading.load(path)
        } catch {
            unlink(file)
            printErr(error.description)
            printErr("\(command): the new workspace does not check; nothing was written")
            return 1
        }
        guard let store = ConfigLoading.openStore(config, command: command) else { return 1 }
        defer { store.close() }
        print("wrote \(file)")
        if let pid = ReloadCommand.runningHost(config) {
            guard try ReloadCommand.signal(pid, store: store, command: command) == 0 else { return 1 }
        } else {
            _ = try store.syncWorkspaces(config.workspaces.map(Host.definition))
            print("no host runs for this config: the workspace starts with it")
        }
        do {
            let (invite, token) = try AccessAdmin(store: store).invite(workspace: workspace, email: owner, role: .owner)
            try store.hostAudit.record(actor: "cli", action: "workspace_created",
                                       summary: "created workspace \(id) (\(name)) and invited \(invite.email) as owner")
            let base = options.value("base-url") ?? "http://\(config.host.server.listen.description)"
            print("invite link for \(invite.email) (owner, valid until \(RFC3339.string(invite.expiresAt))):")
            print(base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + AdminAPI.invitePath(token))
            fflush(nil)
            return 0
        } catch let refusal as AccessAdmin.Refusal {
            printErr("\(command): \(refusal)")
            return 1
        }
    }
}
