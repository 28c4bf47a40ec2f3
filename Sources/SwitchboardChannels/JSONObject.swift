import Foundation

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

    /// JSON text with sorted keys and unescaped slashes.
    static func text(_ v: Any) -> String {
        guard JSONSerialization.isValidJSONObject(v),
              let d = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "null" }
        return String(decoding: d, as: UTF8.self)
    }
}
