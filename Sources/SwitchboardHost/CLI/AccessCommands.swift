import Foundation
import SwitchboardAuth
import SwitchboardConfig
import SwitchboardCore
import SwitchboardStore

/// `switchboard user ...`, `token ...`, `operator ...` and `audit`: people, API access and
/// the audit trail, written straight to the database (the host may be running or not: a
/// revoked token or a removed user is refused at its next request, because every request
/// reads the database). Changes made here are audited with the actor `cli`.
enum AccessCommands {
    static var commands: [SwitchboardCLI.Command] {
        let workspace = CommandOptions.Option("workspace", value: "ID", help: "The workspace (required; must be configured).")
        let role = CommandOptions.Option("role", value: "R", help: "owner, admin or agent.")
        return [
            SwitchboardCLI.Command(
                name: "user", summary: "Inbox users: `user add|list|remove|role|reset-password --workspace ID ...`.",
                usage: """
                switchboard user add [--config PATH] --workspace ID --email E --role owner|admin|agent [--password-stdin]
                       switchboard user list [--config PATH] --workspace ID
                       switchboard user remove [--config PATH] --workspace ID --email E      (their sessions end)
                       switchboard user role [--config PATH] --workspace ID --email E --role R
                       switchboard user reset-password [--config PATH] --workspace ID --email E [--password-stdin]   (their sessions end)
                """,
                options: [SwitchboardCLI.configOption, workspace,
                          CommandOptions.Option("email", value: "E", help: "The user's e-mail (their login name), or their id."),
                          role,
                          CommandOptions.Option("password-stdin", help: "Read the password from the first line of stdin instead of generating one.")],
                run: user),
            SwitchboardCLI.Command(
                name: "token", summary: "API tokens: `token create|list|revoke --workspace ID ...` (a token is printed once).",
                usage: """
                switchboard token create [--config PATH] --workspace ID --name N [--role R] [--expires-in DURATION]
                       switchboard token list [--config PATH] --workspace ID
                       switchboard token revoke [--config PATH] --workspace ID TOKEN_ID
                """,
                options: [SwitchboardCLI.configOption, workspace,
                          CommandOptions.Option("name", value: "N", help: "What the token is for, e.g. crm-sync (required)."),
                          CommandOptions.Option("role", value: "R", help: "The role the token acts with: owner, admin or agent (default admin)."),
                          CommandOptions.Option("expires-in", value: "DURATION", help: "Refused after this long: 90d, 12h, 30m (default: never).")],
                run: token),
            SwitchboardCLI.Command(
                name: "operator", summary: "Host operators (above the workspaces): `operator add|list|remove --email E`.",
                usage: """
                switchboard operator add [--config PATH] --email E [--expires-in DURATION]   (prints an operator token once)
                       switchboard operator list [--config PATH]
                       switchboard operator remove [--config PATH] --email E   (their tokens stop working)
                """,
                options: [SwitchboardCLI.configOption,
                          CommandOptions.Option("email", value: "E", help: "The operator's e-mail."),
                          CommandOptions.Option("expires-in", value: "DURATION", help: "The token is refused after this long: 90d, 12h (default: never).")],
                run: operatorCommand),
            SwitchboardCLI.Command(
                name: "audit", summary: "Print the audit trail: who changed what (a workspace's, or the host's).",
                usage: "switchboard audit [--config PATH] [--workspace ID] [--limit N]",
                options: [SwitchboardCLI.configOption,
                          CommandOptions.Option("workspace", value: "ID", help: "This workspace's trail (default: the host's own)."),
                          CommandOptions.Option("limit", value: "N", help: "At most N entries, newest first (default 100).")],
                run: audit),
            SwitchboardCLI.Command(
                name: "reload", summary: "Apply the changed config to the running host (as SIGHUP does) and print what changed.",
                usage: "switchboard reload [--config PATH]",
                options: [SwitchboardCLI.configOption], run: ReloadCommand.run),
            WorkspaceCommand.command,
        ]
    }

    // MARK: - user

    static func user(_ options: CommandOptions) throws -> Int32 {
        guard let action = options.positional.first, options.positional.count == 1,
              ["add", "list", "remove", "role", "reset-password"].contains(action) else {
            throw UsageError("switchboard user: expected add, list, remove, role or reset-password, got '\(options.positional.joined(separator: " "))'")
        }
        let command = "switchboard user \(action)"
        let workspace = try workspaceOption(options, command)
        func email() throws(UsageError) -> String {
            guard let e = options.value("email") else { throw UsageError("\(command): --email E is required") }
            return e
        }
        func roleOption() throws(UsageError) -> UserRole {
            guard let name = options.value("role") else { throw UsageError("\(command): --role owner|admin|agent is required") }
            guard let role = UserRole(rawValue: name) else {
                throw UsageError("\(command): --role must be owner, admin or agent, got '\(name)'")
            }
            return role
        }
        func passwordFromStdin() -> String? {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                printErr("\(command): --password-stdin given but stdin held no password")
                return nil
            }
            return line
        }
        switch action {
        case "add":
            let email = try email()
            let role = try roleOption()
            let generated = !options.has("password-stdin")
            let password: String
            if generated { password = try AccessAdmin.generatePassword() } else {
                guard let line = passwordFromStdin() else { return 1 }
                password = line
            }
            return try withStore(options, workspace, command) { store in
                let user = try AccessAdmin(store: store).addUser(workspace: workspace, email: email, role: role, password: password)
                print("added user \(user.id) \(user.email) (\(user.role.rawValue)) to workspace \(workspace)")
                if generated { print("password: \(password)") }
            }
        case "list":
            return try withStore(options, workspace, command) { store in
                let users = try store.workspace(workspace).users.list()
                for u in users { print("\(u.id)\t\(u.email)\t\(u.role.rawValue)\tadded \(RFC3339.string(u.createdAt))") }
                if users.isEmpty { print("no users in workspace \(workspace)") }
            }
        case "remove":
            let email = try email()
            return try withStore(options, workspace, command) { store in
                let user = try AccessAdmin(store: store).removeUser(workspace: workspace, email)
                print("removed user \(user.email) from workspace \(workspace); their sessions ended")
            }
        case "role":
            let email = try email()
            let role = try roleOption()
            return try withStore(options, workspace, command) { store in
                let user = try AccessAdmin(store: store).setRole(workspace: workspace, email, role: role)
                print("\(user.email) is now \(user.role.rawValue) in workspace \(workspace)")
            }
        default: // reset-password
            let email = try email()
            var given: String?
            if options.has("password-stdin") {
                guard let line = passwordFromStdin() else { return 1 }
                given = line
            }
            return try withStore(options, workspace, command) { store in
                let (user, password) = try AccessAdmin(store: store).resetPassword(workspace: workspace, email, password: given)
                print("new password set for \(user.email) in workspace \(workspace); their sessions ended")
                if given == nil { print("password: \(password)") }
            }
        }
    }

    // MARK: - token

    static func token(_ options: CommandOptions) throws -> Int32 {
        guard let action = options.positional.first, ["create", "list", "revoke"].contains(action) else {
            throw UsageError("switchboard token: expected create, list or revoke, got '\(options.positional.joined(separator: " "))'")
        }
        let command = "switchboard token \(action)"
        let workspace = try workspaceOption(options, command)
        switch action {
        case "create":
            guard options.positional.count == 1 else { throw UsageError("\(command): unexpected '\(options.positional.dropFirst().joined(separator: " "))'") }
            guard let name = options.value("name") else { throw UsageError("\(command): --name N is required") }
            var role = UserRole.admin
            if let r = options.value("role") {
                guard let parsed = UserRole(rawValue: r) else { throw UsageError("\(command): --role must be owner, admin or agent, got '\(r)'") }
                role = parsed
            }
            let expiresAt = try options.value("expires-in").map { text throws(UsageError) in
                Date().addingTimeInterval(try duration(text, command))
            }
            return try withStore(options, workspace, command) { store in
                let (record, token) = try AccessAdmin(store: store).createToken(workspace: workspace, name: name, role: role,
                                                                                  expiresAt: expiresAt)
                let expiry = record.expiresAt.map { ", expires \(RFC3339.string($0))" } ?? ""
                print("created token \(record.id) '\(record.name)' (\(record.role.rawValue)\(expiry)) in workspace \(workspace); it is shown only now:")
                print(token)
            }
        case "list":
            return try withStore(options, workspace, command) { store in
                let tokens = try store.workspace(workspace).tokens.list()
                for t in tokens {
                    let expiry = t.expiresAt.map { ($0 <= Date() ? "expired " : "expires ") + RFC3339.string($0) } ?? "no expiry"
                    let used = t.lastUsedAt.map { "last used " + RFC3339.string($0) } ?? "never used"
                    print("\(t.id)\t\(t.name)\t\(t.role.rawValue)\t\(expiry)\t\(used)")
                }
                if tokens.isEmpty { print("no tokens in workspace \(workspace)") }
            }
        default: // revoke
            guard options.positional.count == 2 else { throw UsageError("\(command): give the token's id (see `token list`)") }
            let id = options.positional[1]
            return try withStore(options, workspace, command) { store in
                try AccessAdmin(store: store).revokeToken(workspace: workspace, id: id)
                print("revoked token \(id) in workspace \(workspace); it is refused from its next request")
            }
        }
    }

    /// `90d`, `12h`, `30m`, `45s` in seconds.
    static func duration(_ text: String, _ command: String) throws(UsageError) -> TimeInterval {
        let units: [Character: Double] = ["d": 86400, "h": 3600, "m": 60, "s": 1]
        guard let unit = text.last, let factor = units[unit], let n = Double(text.dropLast()), n > 0 else {
            throw UsageError("\(command): a duration is a positive number and a unit (d, h, m, s), e.g. 90d; got '\(text)'")
        }
        return n * factor
    }

    // MARK: - operator

    static func operatorCommand(_ options: CommandOptions) throws -> Int32 {
        guard let action = options.positional.first, options.positional.count == 1, ["add", "list", "remove"].contains(action) else {
            throw UsageError("switchboard operator: expected add, list or remove, got '\(options.positional.joined(separator: " "))'")
        }
        let command = "switchboard operator \(action)"
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        guard let store = ConfigLoading.openStore(config, command: command) else { return 1 }
        defer { store.close() }
        do {
            switch action {
            case "add":
                guard let raw = options.value("email") else { throw UsageError("\(command): --email E is required") }
                let expiresAt = try options.value("expires-in").map { text throws(UsageError) in
                    Date().addingTimeInterval(try duration(text, command))
                }
                let (record, token) = try OperatorAdmin(store: store).add(email: raw, expiresAt: expiresAt)
                print("added operator \(record.id) \(record.email); their token is shown only now:")
                print(token)
            case "list":
                let tokens = try store.operators.tokens()
                for o in try store.operators.list() {
                    print("\(o.id)\t\(o.email)\ttokens: \(tokens.filter { $0.operatorID == o.id }.count)\tadded \(RFC3339.string(o.createdAt))")
                }
            default:
                guard let raw = options.value("email") else { throw UsageError("\(command): --email E is required") }
                let record = try OperatorAdmin(store: store).remove(email: raw)
                print("removed operator \(record.email); their tokens are refused from their next request")
            }
            fflush(nil)
            return 0
        } catch let refusal as AccessAdmin.Refusal {
            printErr("\(command): \(refusal)")
            return 1
        }
    }

    // MARK: - audit

    static func audit(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard audit"
        let limit = try options.positiveInt("limit", default: 100, command: command)
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        guard let store = ConfigLoading.openStore(config, command: command) else { return 1 }
        defer { store.close() }
        let trail: any AuditRepository
        if let id = options.value("workspace") {
            guard WorkspaceID.isValid(id) else { throw UsageError("\(command): '\(id)' is not a workspace id") }
            trail = store.workspace(WorkspaceID(id)).audit
        } else {
            trail = store.hostAudit
        }
        for e in try trail.list(before: nil, limit: limit).reversed() {
            print("\(RFC3339.string(e.at))\t\(e.actor)\t\(e.action)\t\(e.summary)")
        }
        return 0
    }

    // MARK: - shared

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
            fflush(nil)
            return 0
        } catch let refusal as AccessAdmin.Refusal {
            printErr("\(command): \(refusal)")
            return 1
        }
    }
}
