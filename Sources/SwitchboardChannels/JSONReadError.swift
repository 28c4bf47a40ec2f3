/// Why `JSONReader` refused its input, and where: the byte offset from the start.
struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset of the offending byte (the input's length for an early end).
    let offset: Int
    let reason: String

    init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    var description: String { "\(reason) at byte \(offset)" }
}
