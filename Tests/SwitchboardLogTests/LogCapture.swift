import Foundation
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A log sink writing to a fresh temporary file, read back as the user would read it.
struct LogCapture {
    let path: String
    let sink: LogSink

    init(level: LogLevel = .debug, format: LogFormat = .json) throws {
        path = NSTemporaryDirectory() + "switchboard-log-\(UUID().uuidString).log"
        sink = try LogSink(level: level, format: format, path: path)
    }

    var logger: Logger { Logger(sink: sink) }

    /// The raw file contents.
    func text() throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    func lines() throws -> [String] {
        try text().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Every line parsed as a JSON object (a line that is not one throws).
    func objects() throws -> [[String: Any]] {
        try lines().map { line in
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw LogCaptureError(description: "not a JSON object: \(line)")
            }
            return obj
        }
    }

    func remove() { unlink(path) }
}

struct LogCaptureError: Error, CustomStringConvertible { let description: String }
