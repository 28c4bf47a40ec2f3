import SwitchboardCore
import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where log lines go: a file descriptor (stderr by default, or an append-only file), in
/// JSON or text, above a level. Registered secrets are replaced by `[redacted]` in the
/// message and every metadata value before a line is written, and so are the values of
/// keys that name a secret (`token`, `secret`, `password`, `authorization`).
///
/// Thread-safe: one `write(2)` per line under a lock, so lines never interleave.
public final class LogSink: @unchecked Sendable {
    public let level: LogLevel
    public let format: LogFormat
    private let fd: Int32
    private let ownsFD: Bool
    private let secrets = Mutex<[String]>([])

    public init(level: LogLevel = .info, format: LogFormat = .json, fd: Int32 = 2) {
        self.level = level
        self.format = format
        self.fd = fd
        self.ownsFD = false
    }

    /// Opens `path` for appending (creating it with mode 0640).
    public init(level: LogLevel, format: LogFormat, path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw LogSinkError(message: "cannot open log file \(path): \(String(cString: strerror(errno)).lowercased())")
        }
        self.level = level
        self.format = format
        self.fd = fd
        self.ownsFD = true
    }

    deinit { if ownsFD { close(fd) } }

    /// Values that must never appear in a log line (tokens, app secrets, passwords).
    /// Values shorter than 4 characters are ignored: redacting them would mangle text.
    public func registerSecret(_ value: String) {
        guard value.count >= 4 else { return }
        secrets.withLock { list in
            if !list.contains(value) { list.append(value) }
            list.sort { $0.count > $1.count }
        }
    }

    static let secretKeyWords = ["token", "secret", "password", "authorization", "passwd"]

    func redact(_ s: String) -> String {
        let list = secrets.withLock { $0 }
        var out = s
        for secret in list where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return out
    }

    public func write(level: LogLevel, message: String, metadata: [String: String]) {
        let now = Date()
        var line: String
        let keys = metadata.keys.sorted { LogSink.outputKey($0) < LogSink.outputKey($1) }
        func value(_ k: String) -> String {
            let lower = k.lowercased()
            if LogSink.secretKeyWords.contains(where: { lower.contains($0) }) { return "[redacted]" }
            return redact(metadata[k]!)
        }
        switch format {
        case .json:
            line = "{\"time\":\"\(LogSink.timestamp(now))\",\"level\":\"\(level)\",\"message\":\(LogSink.jsonString(redact(message)))"
            for k in keys {
                line += ",\(LogSink.jsonString(LogSink.outputKey(k))):\(LogSink.jsonString(value(k)))"
            }
            line += "}\n"
        case .text:
            line = "\(LogSink.timestamp(now)) \(level.description.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(LogSink.oneLine(redact(message)))"
            for k in keys {
                let v = value(k)
                let name = LogSink.outputKey(k)
                line += v.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) || v.isEmpty
                    ? " \(name)=\(LogSink.jsonString(v))" : " \(name)=\(v)"
            }
            line += "\n"
        }
        var bytes = Array(line.utf8)
        secrets.withLock { _ in
            bytes.withUnsafeMutableBytes { buf in
                var off = 0
                while off < buf.count {
                    let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                    if n <= 0 { if errno == EINTR { continue }; break }
                    off += n
                }
            }
        }
    }

    /// The name a metadata key is written under. Keys that collide with a line's own
    /// fields are renamed rather than dropped: `message` (a message id, `LogKey.message`)
    /// becomes `message_id`; `time` and `level` become `meta_time` and `meta_level`.
    static func outputKey(_ k: String) -> String {
        switch k {
        case "message": "message_id"
        case "time", "level": "meta_" + k
        default: k
        }
    }

    /// Text lines stay one line: CR and LF in a message are written as `\r` and `\n`.
    static func oneLine(_ s: String) -> String {
        guard s.contains(where: \.isNewline) else { return s }
        return s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ d: Date) -> String { RFC3339.string(d) }

    /// A JSON string literal for `s`, escaping quotes, backslashes and control characters.
    public static func jsonString(_ s: String) -> String { JSONText.quoted(s) }
}

public struct LogSinkError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
