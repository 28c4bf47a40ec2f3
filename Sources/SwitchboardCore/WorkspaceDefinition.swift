/// What the configuration says a workspace is: the input of the start-up sync that
/// creates, updates or deactivates stored workspaces.
public struct WorkspaceDefinition: Sendable, Codable, Equatable {
    public var id: WorkspaceID
    public var name: String
    public var region: String
    public var timezone: String
    public var configHash: String

    public init(id: WorkspaceID, name: String, region: String, timezone: String, configHash: String) {
        self.id = id
        self.name = name
        self.region = region
        self.timezone = timezone
        self.configHash = configHash
    }
}
