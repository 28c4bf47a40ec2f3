import Foundation

/// A plugin instance's config: the JSON object the workspace's YAML gives under the
/// plugin's `config:` key ("{}" when there is none).
public struct PluginConfig: Sendable {
    public let json: String

    public init(json: String) { self.json = json.isEmpty ? "{}" : json }

    /// The config as a JSON object.
    public func object() throws -> [String: Any] {
        guard let data = json.data(using: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let dict = obj as? [String: Any]
        else { throw PluginError.invalid("config is not a JSON object") }
        return dict
    }

    /// Decodes the config into `T`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw PluginError.invalid("config: missing key \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw PluginError.invalid("config: wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw PluginError.invalid("config: \(error)")
        }
    }

    /// The string under `key`, nil when absent; an error when it is not a string.
    public func string(_ key: String) throws -> String? {
        guard let v = try object()[key] else { return nil }
        guard let s = v as? String else { throw PluginError.invalid("config: \(key) must be a string") }
        return s
    }

    /// Throws for any top-level key not in `known`, naming it (typos are the most
    /// common config mistake).
    public func rejectUnknownKeys(_ known: Set<String>) throws {
        let unknown = try object().keys.filter { !known.contains($0) }.sorted()
        if let first = unknown.first {
            throw PluginError.invalid("config: unknown key \"\(first)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
