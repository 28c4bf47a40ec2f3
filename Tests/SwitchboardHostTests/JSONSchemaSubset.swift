import Foundation

/// A small JSON Schema checker, the subset the OpenAPI document uses: `$ref` (local),
/// `type`, `nullable`, `required`, `properties`, `additionalProperties: false`, `items`,
/// `enum`, `minimum`/`maximum` and `format: date-time`. Returns every problem found,
/// each with the JSON path where it is.
struct JSONSchemaSubset {
    let document: [String: Any]

    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        if let ref = schema["$ref"] as? String {
            guard let target = resolve(ref) else { return ["\(path): unresolvable $ref \(ref)"] }
            return problems(value, target, at: path)
        }
        if value is NSNull {
            return schema["nullable"] as? Bool == true || schema["type"] == nil ? [] : ["\(path): null but not nullable"]
        }
        var out: [String] = []
        if let allowed = schema["enum"] as? [Any] {
            let strings = allowed.compactMap { $0 as? String }
            if let s = value as? String, !strings.contains(s) { out.append("\(path): '\(s)' not in enum \(strings)") }
        }
        switch schema["type"] as? String {
        case "object"?:
            guard let object = value as? [String: Any] else { return out + ["\(path): expected an object, got \(value)"] }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                out.append("\(path): required key '\(key)' is missing")
            }
            for (key, v) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += problems(v, sub, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): key '\(key)' is not documented")
                }
            }
        case "array"?:
            guard let array = value as? [Any] else { return out + ["\(path): expected an array"] }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in array.enumerated() { out += problems(v, items, at: "\(path)[\(i)]") }
            }
        case "string"?:
            guard let s = value as? String else { return out + ["\(path): expected a string, got \(value)"] }
            if schema["format"] as? String == "date-time",
               s.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/) == nil {
                out.append("\(path): '\(s)' is not an RFC 3339 date-time")
            }
        case "integer"?:
            guard !(value is String), let n = value as? NSNumber, n.doubleValue == n.doubleValue.rounded() else {
                return out + ["\(path): expected an integer, got \(value)"]
            }
            if let min = (schema["minimum"] as? NSNumber)?.doubleValue, n.doubleValue < min { out.append("\(path): \(n) < minimum \(min)") }
            if let max = (schema["maximum"] as? NSNumber)?.doubleValue, n.doubleValue > max { out.append("\(path): \(n) > maximum \(max)") }
        case "number"?:
            if !(value is NSNumber) || value is String { out.append("\(path): expected a number") }
        case "boolean"?:
            if !(value is Bool) { out.append("\(path): expected a boolean") }
        case nil:
            break
        case let other?:
            out.append("\(path): schema uses type '\(other)' this checker does not know")
        }
        return out
    }

    func resolve(_ ref: String) -> [String: Any]? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let next = (node as? [String: Any])?[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }
}
