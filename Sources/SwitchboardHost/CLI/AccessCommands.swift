import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardStore

/// `switchboard user add` and `switchboard token create`: people and API access of a
/// workspace, written straight to the database (the host may be running or not).
enum AccessCommands {
    static var commands: [SwitchboardCLI.Command] {
        let workspace = CommandOptions.Option("workspace", value: "ID", help: "The workspace (required; must be configured).")
        return [
            SwitchboardCLI.Command(
                name: "user", summary: "Inbox users: `user add --workspace ID --email E --role R`.",
                usage: "switchboard user add [--config PATH] --workspace ID --email E --role owner|admin|agent [--password-stdin]",
                options: [SwitchboardCLI.configOption, workspace,
                          CommandOptions.Option("email", value: "E", help: "The user's e-mail, their login name (required)."),
                          CommandOptions.Option("role", value: "R", help: "owner, admin or agent (required)."),
                          CommandOptions.Option("password-stdin", help: "Read the password from the first line of stdin instead of generating one.")],
                run: userAdd),
            SwitchboardCLI.Command(
                name: "token", summary: "API tokens: `token create --workspace ID --name N` (printed once).",
                usage: "switchboard token create [--config PATH] --workspace ID --name N",
                options: [SwitchboardCLI.configOption, workspace,
                          CommandOptions.Option("name", value: "N", help: "What the token is for, e.g. crm-sync (required).")],
                run: tokenCreate),
        ]
    }

    static func userAdd(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard user add"
        guard options.positional == ["add"] else {
            throw UsageError("switchboard user: expected 'user add', got '\(options.positional.joined(separator: " "))'")
        }
        let workspace = try workspaceOption(options, command)
        guard let email = options.value("email") else { throw UsageError("\(command): --email E is required") }
        guard let roleName = options.value("role") else { throw UsageError("\(command): --role owner|admin|agent is required") }
        guard let role = UserRole(rawValue: roleName) else {
            throw UsageError("\(command): --role must be owner, admin or agent, got '\(roleName)'")
        }
        let generated = !options.has("password-stdin")
        let password: String
        if generated {
            password = try AccessAdmin.generatePassword()
        } else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                printErr("\(command): --password-stdin given but stdin held no password")
                return 1
            }
            password = line
        }
        return try withStore(options, workspace, command) { store in
            let user = try AccessAdmin(store: store).addUser(workspace: workspace, email: email, role: role, password: password)
            print("added user \(user.id) \(user.email) (\(user.role.rawValue)) to workspace \(workspace)")
            if generated { print("password: \(password)") }
            fflush(nil)
        }
    }

    static func tokenCreate(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard token create"
        guard options.positional == ["create"] else {
            throw UsageError("switchboard token: expected 'token create', got '\(options.positional.joined(separator: " "))'")
        }
        let workspace = try workspaceOption(options, command)
        guard let name = options.value("name") else { throw UsageError("\(command): --name N is required") }
        return try withStore(options, workspace, command) { store in
            let (record, token) = try AccessAdmin(store: store).createToken(workspace: workspace, name: name)
            print("created token \(record.id) '\(record.name)' in workspace \(workspace); it is shown only now:")
            print(token)
            fflush(nil)
        }
    }

    static func workspaceOption(_ options: CommandOptions, _ command: String) throws(UsageError) -> WorkspaceID {
        guard let id = options.value("workspace") else { throw UsageError("\(command): --workspace ID is required") }
        guard WorkspaceID.isValid(id) else { throw UsageError("\(command): '\(id)' is not a workspace id") }
        return WorkspaceID(id)
    }

    /// Loads the config, checks that `workspace` is configured, opens the store and, when
    /// the host never stored this workspace (or it was deactivated), syncs the configured
    /// workspaces as `serve` does at start. Refusals print one line and exit 1.
    static func withStore(_ options: CommandOptions, _ workspace: WorkspaceID, _ command: String,
                          _ body: (any Store) throws -> Void) throws -> Int32 {
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        guard config.workspaces.contains(where: { $0.id == workspace }) else {
            let known = config.workspaces.map(\.id.rawValue).sorted().joined(separator: ", ")
            printErr("\(command): workspace '\(workspace)' is not configured (configured: \(known.isEmpty ? "none" : known))")
            return 1
        }
        guard let store = ConfigLoading.openStore(config, command: command) else { return 1 }
        defer { store.close() }
        do {
            if try store.workspace(workspace).record()?.active != true {
                _ = try store.syncWorkspaces(config.workspaces.map(Host.definition))
            }
            try body(store)
            return 0
        } catch let refusal as AccessAdmin.Refusal {
            printErr("\(command): \(refusal)")
            return 1
        }
    }
}
