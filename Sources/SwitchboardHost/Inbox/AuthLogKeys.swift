import SwitchboardLog

/// Log metadata keys of authentication (spelled once, like `LogKey`'s own).
extension LogKey {
    /// An inbox user's id (`usr_...`).
    static let userID = "user"
    /// An API token's id (`tok_...`), never the token.
    static let tokenID = "token_id"
    /// The address a login came from.
    static let remoteAddress = "remote_address"
}
