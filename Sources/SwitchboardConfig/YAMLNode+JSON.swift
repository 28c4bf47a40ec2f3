import SwitchboardCore
import Foundation

/// A YAML subtree as JSON text, for a plugin's `config`.
///
/// Mappings become objects (keys in file order), sequences arrays. Plain scalars are typed
/// by the YAML 1.2 core schema: `null`, `~` and empty are null; `true`/`false` (any of
/// the three capitalisations) are booleans; `12`, `0x1F`, `0o17` are integers; `2.5`,
/// `1e3` are numbers. Quoted and block scalars, and anything tagged `!!str`, are strings.
extension YAMLNode {
    public func jsonText() -> Result<String, ConfigDiagnostic> {
        var out = ""
        if let problem = writeJSON(into: &out) { return .failure(problem) }
        return .success(out)
    }

    private func writeJSON(into out: inout String) -> ConfigDiagnostic? {
        switch kind {
        case .mapping(let entries):
            out += "{"
            for (i, entry) in entries.enumerated() {
                if i > 0 { out += "," }
                YAMLNode.writeJSONString(entry.name, into: &out)
                out += ":"
                if let p = entry.value.writeJSON(into: &out) { return p }
            }
            out += "}"
        case .sequence(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if let p = item.writeJSON(into: &out) { return p }
            }
            out += "]"
        case .scalar(let text, _):
            if isQuotedString || tag != nil && tag != "tag:yaml.org,2002:int" && tag != "tag:yaml.org,2002:float"
                && tag != "tag:yaml.org,2002:bool" && tag != "tag:yaml.org,2002:null" {
                YAMLNode.writeJSONString(text, into: &out)
                return nil
            }
            switch YAMLNode.coreScalar(text) {
            case .null: out += "null"
            case .bool(let b): out += b ? "true" : "false"
            case .integer(let digits): out += digits
            case .float(let d):
                guard d.isFinite else {
                    return ConfigDiagnostic("'\(text)' cannot be passed to a plugin as JSON; quote it to pass it as text", at: self)
                }
                out += "\(d)"
            case .string: YAMLNode.writeJSONString(text, into: &out)
            }
        }
        return nil
    }

    enum CoreScalar: Equatable {
        case null, bool(Bool), integer(String), float(Double), string
    }

    /// The YAML 1.2 core schema's reading of a plain scalar. Integers are returned as
    /// decimal digits (they may exceed 64 bits).
    static func coreScalar(_ s: String) -> CoreScalar {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let u = Array(s.utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
        if u.count > 2, u[0] == 48, u[1] == 120 /* x */, u[2...].allSatisfy(isHex) {
            if let v = UInt64(s.dropFirst(2), radix: 16) { return .integer(String(v)) }
            return .string
        }
        if u.count > 2, u[0] == 48, u[1] == 111 /* o */, u[2...].allSatisfy({ $0 >= 48 && $0 <= 55 }) {
            if let v = UInt64(s.dropFirst(2), radix: 8) { return .integer(String(v)) }
            return .string
        }
        // [-+]?[0-9]+
        var i = 0
        var negative = false
        if let f = u.first, f == 45 || f == 43 { negative = f == 45; i = 1 }
        if i < u.count, u[i...].allSatisfy(isDigit) {
            var digits = String(decoding: u[i...], as: UTF8.self).drop(while: { $0 == "0" })
            if digits.isEmpty { digits = "0" }
            return .integer((negative && digits != "0" ? "-" : "") + digits)
        }
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        var j = i
        var mantissaDigits = 0
        while j < u.count, isDigit(u[j]) { j += 1; mantissaDigits += 1 }
        if j < u.count, u[j] == 46 {
            j += 1
            var fraction = 0
            while j < u.count, isDigit(u[j]) { j += 1; fraction += 1 }
            if mantissaDigits == 0 && fraction == 0 { return .string }
            mantissaDigits += fraction
        }
        guard mantissaDigits > 0 else { return .string }
        if j < u.count, u[j] == 101 || u[j] == 69 {
            j += 1
            if j < u.count, u[j] == 45 || u[j] == 43 { j += 1 }
            var exp = 0
            while j < u.count, isDigit(u[j]) { j += 1; exp += 1 }
            if exp == 0 { return .string }
        }
        guard j == u.count else { return .string }
        var normal = s
        if normal.hasPrefix("+") { normal.removeFirst() }
        if let d = Double(normal) { return .float(d) }
        // Foundation-free Double() refuses "1." and ".5" forms on some platforms: pad them.
        normal = normal.replacingOccurrences(of: ".e", with: ".0e").replacingOccurrences(of: ".E", with: ".0E")
        if normal.hasSuffix(".") { normal += "0" }
        if normal.hasPrefix(".") { normal = "0" + normal }
        if normal.hasPrefix("-.") { normal = "-0" + normal.dropFirst() }
        return Double(normal).map { .float($0) } ?? .string
    }

    static func writeJSONString(_ s: String, into out: inout String) { JSONText.appendQuoted(s, to: &out) }
}
