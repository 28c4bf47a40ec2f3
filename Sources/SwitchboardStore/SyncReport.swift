import SwitchboardCore

/// What `Store.syncWorkspaces` changed.
public struct SyncReport: Sendable, Equatable {
    public var created: [WorkspaceID] = []
    /// Name, region, time zone or config hash changed (or the workspace came back).
    public var updated: [WorkspaceID] = []
    /// No longer configured: marked inactive, data kept.
    public var deactivated: [WorkspaceID] = []
    public var unchanged: [WorkspaceID] = []

    public init() {}
}
