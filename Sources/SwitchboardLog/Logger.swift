/// The value every component logs through. Copies are cheap; `with(_:_:)` returns a copy
/// carrying one more metadata field, so a worker can hold a logger already tagged with
/// its workspace and conversation.
///
///     let log = host.logger.with(LogKey.workspace, ws.rawValue)
///     log.info("message routed", [LogKey.message: id])
public struct Logger: Sendable {
    public let sink: LogSink
    public private(set) var metadata: [String: String]

    public init(sink: LogSink, metadata: [String: String] = [:]) {
        self.sink = sink
        self.metadata = metadata
    }

    public func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata[key] = value
        return copy
    }

    public func with(_ fields: [String: String]) -> Logger {
        var copy = self
        copy.metadata.merge(fields) { _, new in new }
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= sink.level }

    public func log(_ level: LogLevel, _ message: String, _ fields: [String: String] = [:]) {
        guard level >= sink.level else { return }
        var all = metadata
        if !fields.isEmpty { all.merge(fields) { _, new in new } }
        sink.write(level: level, message: message, metadata: all)
    }

    /// `log` from key-value pairs with distinct keys (no dictionary built for the line):
    /// this logger's metadata is added for the keys `fields` does not have.
    public func log(_ level: LogLevel, _ message: String, fields: [(key: String, value: String)]) {
        guard level >= sink.level else { return }
        var all = fields
        for (key, value) in metadata where !fields.contains(where: { $0.key == key }) {
            all.append((key, value))
        }
        sink.write(level: level, message: message, fields: all)
    }

    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [String: String] = [:]) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }
}
