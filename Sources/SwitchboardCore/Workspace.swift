import Foundation

/// A workspace as stored: one business. Workspaces come from `config/workspaces/*.yaml`
/// and are synced into storage at start-up; one that is no longer configured is marked
/// inactive, never deleted, so its history stays readable.
public struct Workspace: Sendable, Codable, Equatable {
    public var id: WorkspaceID
    public var name: String
    /// Default region for phone numbers (ISO 3166 alpha-2, e.g. `NG`).
    public var region: String
    /// IANA time zone, e.g. `Africa/Lagos`.
    public var timezone: String
    public var active: Bool
    /// A hash of the workspace's config file, so a change is noticed and journalled.
    public var configHash: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: WorkspaceID, name: String, region: String, timezone: String, active: Bool,
        configHash: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.region = region
        self.timezone = timezone
        self.active = active
        self.configHash = configHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
