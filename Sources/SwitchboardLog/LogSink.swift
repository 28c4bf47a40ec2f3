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
/// Thread-safe: one `write(2)` per line, which the kernel never interleaves with another
/// for lines up to 4 KiB (PIPE_BUF); longer lines are written under a lock. Inside
/// `LogBatch.collect`, a thread's lines are gathered and written a few KiB at a time.
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

    static func redact(_ s: String, _ list: [String]) -> String {
        var out = s
        for secret in list where Self.contains(out, secret) {
            out = out.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return out
    }

    /// Whether `needle` occurs in `haystack`, byte for byte (UTF-8). Foundation's
    /// `contains` on Linux goes through a locale-aware search: run for every secret
    /// against every value of every line, it was most of what a log line cost.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack, n = needle
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                guard !nb.isEmpty else { return true }
                guard hb.count >= nb.count, let hp = hb.baseAddress, let np = nb.baseAddress else { return false }
                let first = nb[0], last = hb.count - nb.count
                var i = 0
                while i <= last {
                    if hb[i] == first && memcmp(hp + i, np, nb.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }

    /// Whether a metadata key names a secret (`access_token`, `Authorization`, ...):
    /// one of `secretKeyWords` in it, ASCII letters compared without case (no lowercased
    /// copy of every key of every line). `tokens` (a count: `tokens_in`) is not `token`.
    static func isSecretKey(_ key: String) -> Bool {
        var k = key
        return k.withUTF8 { kb in
            secretKeyWordBytes.contains { word in
                guard kb.count >= word.count else { return false }
                for start in 0...(kb.count - word.count) {
                    var i = 0
                    while i < word.count {
                        var c = kb[start + i]
                        if c >= 65 && c <= 90 { c += 32 }
                        if c != word[i] { break }
                        i += 1
                    }
                    if i == word.count {
                        // "tokens" counts tokens (an LLM call's tokens_in, max_tokens): not a secret.
                        let plural = word.count == 5 && word[0] == 116 && start + i < kb.count && kb[start + i] | 32 == 115
                        if !plural { return true }
                    }
                }
                return false
            }
        }
    }

    private static let secretKeyWordBytes = secretKeyWords.map { Array($0.utf8) }

    public func write(level: LogLevel, message: String, metadata: [String: String]) {
        write(level: level, message: message, fields: metadata.map { ($0.key, $0.value) })
    }

    /// The same line from key-value pairs whose keys are distinct (the caller merged
    /// them): what a caller that logs a lot uses to avoid building a dictionary a line.
    public func write(level: LogLevel, message: String, fields: [(key: String, value: String)]) {
        let now = Date()
        var line: String
        let list = secrets.withLock { $0 }
        // Sorted by the names written (each key mapped once, not at every comparison).
        let keys = fields.map { (name: LogSink.outputKey($0.key), key: $0.key, value: $0.value) }
            .sorted { $0.name < $1.name }
        func value(_ k: (name: String, key: String, value: String)) -> String {
            if LogSink.isSecretKey(k.key) { return "[redacted]" }
            return LogSink.redact(k.value, list)
        }
        switch format {
        case .json:
            line = "{\"time\":\"\(LogSink.timestamp(now))\",\"level\":\"\(level)\",\"message\":\(LogSink.jsonString(LogSink.redact(message, list)))"
            for k in keys {
                line += ",\(LogSink.jsonString(k.name)):\(LogSink.jsonString(value(k)))"
            }
            line += "}\n"
        case .text:
            line = "\(LogSink.timestamp(now)) \(level.description.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(LogSink.oneLine(LogSink.redact(message, list)))"
            for k in keys {
                let v = value(k)
                let name = k.name
                line += v.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) || v.isEmpty
                    ? " \(name)=\(LogSink.jsonString(v))" : " \(name)=\(v)"
            }
            line += "\n"
        }
        let bytes = Array(line.utf8)
        let collector = LogBatch.Collector.current
        // One write(2) of at most PIPE_BUF bytes is never interleaved with another (a
        // pipe, a terminal, or a file opened O_APPEND), so ordinary lines need no lock:
        // under load, threads queueing on one for every line cost more than the lines.
        // Inside `LogBatch.collect` they join this thread's buffer (written out in pieces
        // of at most PIPE_BUF).
        if bytes.count <= Self.atomicWriteBytes {
            if let collector {
                collector.add(bytes, fd: fd, limit: Self.atomicWriteBytes)
            } else {
                LogBatch.writeAll(fd, bytes)
            }
        } else {
            collector?.flush(fd: fd)
            secrets.withLock { _ in LogBatch.writeAll(fd, bytes) }
        }
    }

    /// PIPE_BUF on Linux.
    static let atomicWriteBytes = 4096

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
