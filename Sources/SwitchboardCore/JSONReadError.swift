/// Why `JSONReader` refused its input, and where: the byte offset from the start.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset of the offending byte (the input's length for an early end).
    public let offset: Int
    public let reason: String

    public init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
