import CSwitchboardPlugin
import Foundation

/// The host's services for one instance: the workspace it serves, logging, the
/// workspace's key/value state for this plugin, and the host's clock. The workspace is
/// fixed when the instance is created: nothing here can reach another workspace.
///
/// Thread-safe. Valid from `init(context:config:)` until the host destroys the instance
/// (at shutdown); do not hand it to threads that outlive the instance.
public final class PluginContext: @unchecked Sendable {
    /// The name the workspace's chain gives this plugin ("faq").
    public let pluginName: String
    /// The workspace this instance serves.
    public let workspaceID: String
    /// The workspace's IANA timezone name ("Africa/Lagos"), empty when it has none.
    public let timezoneIdentifier: String

    let host: UnsafePointer<sb_host>
    let ctx: OpaquePointer?

    init(info: UnsafePointer<sb_instance_info>) {
        pluginName = String(info.pointee.plugin_name)
        workspaceID = String(info.pointee.workspace_id)
        timezoneIdentifier = String(info.pointee.workspace_timezone)
        host = info.pointee.host
        ctx = info.pointee.host_ctx
    }

    /// The workspace's timezone, when it has a valid one.
    public var timezone: TimeZone? {
        timezoneIdentifier.isEmpty ? nil : TimeZone(identifier: timezoneIdentifier)
    }

    // MARK: logging

    public enum LogLevel: Int32, Sendable { case debug = 0, info = 1, warn = 2, error = 3 }

    /// Writes one structured line into the host's log; the host adds the plugin and the
    /// workspace. Put ids in `fields`, not in `message`.
    public func log(_ level: LogLevel, _ message: String, _ fields: [String: String] = [:]) {
        withSBStr(message) { msg in
            withSBFields(fields) { host.pointee.log(ctx, level.rawValue, msg, $0.baseAddress, $0.count) }
        }
    }

    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [String: String] = [:]) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }

    // MARK: state

    /// The bytes stored under `key` for this workspace and plugin, or nil.
    public func state(_ key: String) throws -> [UInt8]? {
        var capacity = 512
        while true {
            var out = [UInt8](repeating: 0, count: capacity)
            var length = 0
            let status = withSBStr(key) { k in
                out.withUnsafeMutableBytes { host.pointee.state_get(ctx, k, $0.baseAddress, $0.count, &length) }
            }
            switch status {
            case SB_OK: return Array(out[0..<min(length, capacity)])
            case SB_ERR_NOT_FOUND: return nil
            case SB_ERR_BUFFER_TOO_SMALL where length > capacity: capacity = length
            default: throw PluginError.host(status, "state_get \(key)")
            }
        }
    }

    /// The UTF-8 string stored under `key`, or nil.
    public func stateString(_ key: String) throws -> String? {
        try state(key).map { String(decoding: $0, as: UTF8.self) }
    }

    public func setState(_ key: String, _ value: [UInt8]) throws {
        let status = withSBStr(key) { k in
            value.withUnsafeBytes { host.pointee.state_set(ctx, k, $0.baseAddress, $0.count) }
        }
        if status != SB_OK { throw PluginError.host(status, "state_set \(key)") }
    }

    public func setState(_ key: String, _ value: String) throws {
        try setState(key, Array(value.utf8))
    }

    public func deleteState(_ key: String) throws {
        let status = withSBStr(key) { host.pointee.state_delete(ctx, $0) }
        if status != SB_OK { throw PluginError.host(status, "state_delete \(key)") }
    }

    /// Whether the host adds to state atomically (`addState`; ABI 1.5).
    public var addsStateAtomically: Bool { host.pointee.abi_minor >= 5 && host.pointee.state_add != nil }

    /// Adds `delta` to the decimal integer under `key` (absent: 0) in one atomic step for
    /// every host on the store (ABI 1.5, `host->state_add`): nil, and nothing added, when
    /// the total would pass `ceiling`. Returns the new total. Throws when the host is
    /// older than 1.5 (check `addsStateAtomically`), the value is not an integer, or the
    /// store is unavailable.
    public func addState(_ key: String, _ delta: Int64, ceiling: Int64? = nil) throws -> Int64? {
        guard addsStateAtomically, let add = host.pointee.state_add else {
            throw PluginError.permanent("this host cannot add to state atomically (ABI 1.\(host.pointee.abi_minor); state_add needs 1.5)")
        }
        var total: Int64 = 0
        let status = withSBStr(key) { k in
            if var c = ceiling { return add(ctx, k, delta, &c, &total) }
            return add(ctx, k, delta, nil, &total)
        }
        switch status {
        case SB_OK: return total
        case SB_ERR_LIMIT: return nil
        default: throw PluginError.host(status, "state_add \(key)")
        }
    }

    // MARK: counters (ABI 1.3)

    /// Adds `value` (finite, >= 0) to this instance's counter `name` ([a-z0-9_], 1-64
    /// bytes; at most 64 names): the host's metrics show it as
    /// `switchboard_plugin_counter_total{plugin, workspace, name}`. False when the host
    /// refused it (a bad name or value) or is older than ABI 1.3 (then nothing happens).
    @discardableResult
    public func count(_ name: String, _ value: Double = 1) -> Bool {
        guard host.pointee.abi_minor >= 3, let count = host.pointee.count else { return false }
        return withSBStr(name) { count(ctx, $0, value) } == SB_OK
    }

    // MARK: clock

    /// The host's clock (tests and `switchboard ask` may fix it).
    public func now() -> Date {
        Date(timeIntervalSince1970: Double(host.pointee.now_ms(ctx)) / 1000)
    }
}

/// Runs `body` with `fields` as borrowed `sb_field` views (sorted by key), valid only
/// inside `body`.
func withSBFields<R>(_ fields: [String: String], _ body: (UnsafeBufferPointer<sb_field>) -> R) -> R {
    let pairs = fields.sorted { $0.key < $1.key }
    var storage: [(ContiguousArray<UInt8>, ContiguousArray<UInt8>)] = pairs.map {
        (ContiguousArray($0.key.utf8), ContiguousArray($0.value.utf8))
    }
    return storage.withUnsafeMutableBufferPointer { st in
        var views: [sb_field] = []
        views.reserveCapacity(st.count)
        for i in st.indices {
            let k = st[i].0.withUnsafeBufferPointer { sb_str(ptr: UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: CChar.self), len: $0.count) }
            let v = st[i].1.withUnsafeBufferPointer { sb_str(ptr: UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: CChar.self), len: $0.count) }
            views.append(sb_field(key: k, value: v))
        }
        // The arrays in `storage` are not mutated while `views` is in use, so their
        // buffers stay where the views point.
        return views.withUnsafeBufferPointer(body)
    }
}
