import SwitchboardCore
import SwitchboardStore

/// Who is calling the inbox API, resolved from a bearer token or a session cookie. Every
/// API handler receives one and scopes every read and write to `workspace`: a record of
/// another workspace answers 404, as if it did not exist.
struct AuthContext: Sendable, Equatable {
    /// owner > admin > agent (`UserRole`): what a route needs is declared with it
    /// (`APIRouteCatalog`).
    typealias Role = UserRole

    enum Credential: String, Sendable {
        /// `Authorization: Bearer <token>`; no CSRF check (not sent by browsers on their own).
        case token
        /// The `sb_session` cookie; state-changing requests need `X-CSRF-Token`.
        case session
    }

    var workspace: WorkspaceID
    /// The user's id; for a token, `token:<token id>`.
    var userID: String
    /// The user's e-mail, or the token's name.
    var name: String
    var role: Role
    var credential: Credential

    /// Who made a change, as the audit trail writes it.
    var actor: String {
        credential == .token ? "\(userID) \(name)" : "user:\(userID) \(name)"
    }
}
