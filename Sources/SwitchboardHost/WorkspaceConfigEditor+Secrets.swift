import Foundation
import SwitchboardConfig
import SwitchboardCore

/// A workspace's own channels keep their secrets in its file (`channels:`: access tokens,
/// gateway keys, webhook secrets). The API never answers them: `GET /workspace/config`
/// shows each as `"••••1234"` (its last four characters), and a `PUT` that sends such a
/// mask back keeps the secret the file holds. Values written as `${VAR}` are shown as they
/// are (they name the environment, not the secret).
extension WorkspaceConfigEditor {
    static let secretKeys: Set<String> = ["access_token", "api_key", "webhook_secret", "bot_token", "secret_token"]
    static let maskMark = "••••"

    /// `••••1234`: enough to tell two secrets apart, nothing to use (short ones: no characters).
    static func mask(_ secret: String) -> String {
        maskMark + String(secret.suffix(secret.count > 8 ? 4 : 0))
    }

    /// The secret values of the file's `channels:` entries, with their nodes; nil when the
    /// text is not YAML this can read (then nothing in it can be located).
    static func secretNodes(_ text: String) -> [(node: YAMLNode, value: String)]? {
        guard let root = try? YAMLFileEdit.root(text, file: "workspace") else { return nil }
        guard let items = root["channels"]?.items else { return [] }
        var out: [(YAMLNode, String)] = []
        for item in items {
            for e in item.entries ?? [] where secretKeys.contains(e.name) {
                if let v = e.value.scalarValue, !v.isEmpty, !v.hasPrefix("${") { out.append((e.value, v)) }
            }
        }
        return out
    }

    /// `text` with every channel secret replaced by its mask; nil if one could not be
    /// hidden (a form this does not rewrite, like a multi-line scalar).
    static func masking(_ text: String) -> String? {
        // A file that does not parse (a hand edit the reload refused) cannot have its
        // secrets located: shown as it is only when no secret key is in it at all.
        guard let secrets = secretNodes(text) else {
            return secretKeys.contains { text.contains($0 + ":") } ? nil : text
        }
        guard !secrets.isEmpty else { return text }
        var lines = text.components(separatedBy: "\n")
        // Right to left within a line, so one replacement does not move the next.
        for (node, value) in secrets.sorted(by: { ($0.node.line, -$0.node.column) < ($1.node.line, -$1.node.column) }) {
            let i = node.line - 1
            guard i >= 0, i < lines.count else { continue }
            var scalars = Array(lines[i].unicodeScalars)
            let start = node.column - 1
            guard start >= 0, start < scalars.count else { continue }
            var end = start
            let first = scalars[start]
            if first == "\"" || first == "'" {
                end = start + 1
                while end < scalars.count {
                    if first == "\"", scalars[end] == "\\" { end += 2; continue }
                    if scalars[end] == first {
                        if first == "'", end + 1 < scalars.count, scalars[end + 1] == "'" { end += 2; continue }
                        end += 1
                        break
                    }
                    end += 1
                }
            } else {
                while end < scalars.count, scalars[end] != ",", scalars[end] != "}",
                      !(scalars[end] == "#" && end > start && scalars[end - 1] == " ") { end += 1 }
                while end > start, scalars[end - 1] == " " { end -= 1 }
            }
            scalars.replaceSubrange(start..<min(end, scalars.count), with: Array(JSONText.quoted(mask(value)).unicodeScalars))
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            lines[i] = String(view)
        }
        let masked = lines.joined(separator: "\n")
        for (_, value) in secrets where value.count >= 4 && masked.contains(value) { return nil }
        return masked
    }

    /// `new` with each mask `GET` gave replaced by the secret `old` holds; a refusal for a
    /// mask that names no secret of the file (or two: their last characters are alike).
    static func unmasking(_ new: String, old: String) -> Result<String, YAMLFileEdit.Refusal> {
        guard new.contains(maskMark) else { return .success(new) }
        var real: [String: String] = [:]
        var ambiguous = Set<String>()
        for (_, value) in secretNodes(old) ?? [] {
            let m = mask(value)
            if let known = real[m], known != value { ambiguous.insert(m) }
            real[m] = value
        }
        var text = new
        for (m, value) in real {
            let quotedMask = JSONText.quoted(m)
            guard text.contains(quotedMask) else { continue }
            if ambiguous.contains(m) {
                return .failure(YAMLFileEdit.Refusal(description: "two secrets of this file end in the same characters (\(m)): give the secret itself, or edit the file on the server"))
            }
            text = text.replacingOccurrences(of: quotedMask, with: JSONText.quoted(value))
        }
        if text.contains(maskMark) {
            return .failure(YAMLFileEdit.Refusal(description: "a masked secret (\(maskMark)...) matches none the file holds: give the secret itself"))
        }
        return .success(text)
    }

    /// The workspace's file as the API shows it: channel secrets masked.
    func readMasked(_ workspace: WorkspaceID) throws -> String? {
        guard let text = try read(workspace) else { return nil }
        guard let masked = Self.masking(text) else {
            throw MaskingFailure()
        }
        return masked
    }

    struct MaskingFailure: Error, CustomStringConvertible {
        var description: String { "the file holds a channel secret in a form the API cannot hide (a multi-line value, or a file that is not valid YAML): read it on the server" }
    }
}
