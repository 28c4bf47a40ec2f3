/// Everything `ConfigLoader` read: the host config, every workspace, the warnings to show,
/// and the secret values the logger must redact.
public struct LoadedConfig: Sendable {
    public var host: HostConfig
    public var workspaces: [WorkspaceConfig]
    public var warnings: [ConfigDiagnostic]
    /// Every `app_secret`, `verify_token` and `access_token` value, and the password of a
    /// `storage.postgres` URL (non-empty, once each).
    public var secrets: [String]
}
