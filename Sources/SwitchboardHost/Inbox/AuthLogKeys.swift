import SwitchboardLog

/// Log metadata keys of authentication (spelled once, like `LogKey`'s own).
extension LogKey {
    /// An inbox user's id (`usr_...`).
    static let userID = "user"
    /// An API token's id (`tok_...`), never the token. Not named `token...`: the log
    /// sink redacts the values of keys that contain "token".
    static let credentialID = "credential_id"
    /// The address a login came from.
    static let remoteAddress = "remote_address"
}
