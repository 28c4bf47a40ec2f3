import Foundation

/// Which host this is and what it stores in, for `/healthz` and `/metrics` (issue 15:
/// behind a load balancer an operator must tell the hosts apart).
public protocol StoreHostInfo: AnyObject, Sendable {
    /// `sqlite` or `postgres`.
    var backendName: String { get }
    /// This host's id: the claimer its claims name, `<machine>/<pid>.<start>.<n>`.
    var hostID: String { get }
    /// The hosts whose heartbeat is within the threshold (PostgreSQL); nil for a backend
    /// without heartbeats (SQLite: one machine, one host).
    func liveHosts() throws -> [String]?
}

extension SQLiteStore: StoreHostInfo {
    public var backendName: String { "sqlite" }
    public var hostID: String { ProcessInfo.processInfo.hostName + "/" + claimer.id }
    public func liveHosts() throws -> [String]? { nil }
}

extension PostgresStore: StoreHostInfo {
    public var backendName: String { "postgres" }
    public var hostID: String { claimer.id }
    public func liveHosts() throws -> [String]? {
        guard let heartbeat else { return nil }
        return try pool.read { db in
            try db.query("SELECT host_id FROM host_heartbeats WHERE beat_at >= \(HostHeartbeat.serverNowMS) - ? ORDER BY host_id",
                         [heartbeat.thresholdMS]) { $0.string(0) }
        }
    }
}
