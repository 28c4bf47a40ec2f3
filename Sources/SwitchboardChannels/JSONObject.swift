import Foundation
import SwitchboardCore

/// Typed reads from what `JSONSerialization` returns. Numbers arrive as `NSNumber`,
/// whose bridging to `Bool`/`Int`/`Double` differs between platforms; these helpers
/// spell out what is accepted.
enum JSONObject {
    static func string(_ v: Any?) -> String? {
        v as? String
    }

    /// A string, or a number written as one (WhatsApp sends timestamps as strings).
    static func stringOrNumber(_ v: Any?) -> String? {
        if let s = v as? String { return s }
        if let n = v as? NSNumber, !isBool(n) { return n.stringValue }
        return nil
    }

    static func int(_ v: Any?) -> Int? {
        if let n = v as? NSNumber, !isBool(n) { return n.intValue }
        if let s = v as? String { return Int(s) }
        return nil
    }

    static func double(_ v: Any?) -> Double? {
        if let n = v as? NSNumber, !isBool(n) { return n.doubleValue }
        if let s = v as? String { return Double(s) }
        return nil
    }

    static func bool(_ v: Any?) -> Bool? {
        if let b = v as? Bool { return b }
        if let n = v as? NSNumber { return n.boolValue }
        return nil
    }

    static func isBool(_ n: NSNumber) -> Bool {
        // CoreFoundation's boolean type on Darwin; on Linux JSONSerialization yields
        // NSNumber(value: Bool) whose objCType is "c".
        String(cString: n.objCType) == "c" && (n == NSNumber(value: true) || n == NSNumber(value: false))
    }

    /// JSON text with sorted keys and unescaped slashes, compact: what
    /// `JSONSerialization` writes with `.sortedKeys, .withoutEscapingSlashes`, written here
    /// directly (on Linux, Foundation's writer cost as much as the rest of a webhook's
    /// parse). Anything but what `JSONSerialization` parses falls back to Foundation.
    static func text(_ v: Any) -> String {
        var out = ""
        if write(v, into: &out) { return out }
        guard JSONSerialization.isValidJSONObject(v),
              let d = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "null" }
        return String(decoding: d, as: UTF8.self)
    }

    private static func write(_ v: Any, into out: inout String) -> Bool {
        switch v {
        case let s as String:
            JSONText.appendQuoted(s, to: &out)
        case let o as [String: Any]:
            out += "{"
            var first = true
            for key in o.keys.sorted() {
                if !first { out += "," }
                first = false
                JSONText.appendQuoted(key, to: &out)
                out += ":"
                guard write(o[key]!, into: &out) else { return false }
            }
            out += "}"
        case let a as [Any]:
            out += "["
            for (i, item) in a.enumerated() {
                if i > 0 { out += "," }
                guard write(item, into: &out) else { return false }
            }
            out += "]"
        case let n as NSNumber:
            if isBool(n) {
                out += n.boolValue ? "true" : "false"
            } else {
                let d = n.doubleValue
                guard d.isFinite else { return false }
                if d == d.rounded(), abs(d) < 9.007199254740992e15 { out += String(Int64(d)) } else { out += "\(d)" }
            }
        case is NSNull:
            out += "null"
        default:
            return false
        }
        return true
    }
}
