import Foundation

/// E-mail addresses as login names: trimmed and lower-cased, so that `Titi@Example.com`
/// and `titi@example.com ` are one account. Only a light check of the shape (one `@`,
/// something on both sides, no spaces or control characters, at most 254 bytes): the
/// address is a name here, nothing is sent to it.
public enum EmailAddress {
    public static func normalize(_ raw: String) -> String? {
        let s = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !s.isEmpty, s.utf8.count <= 254 else { return nil }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        guard !s.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) else {
            return nil
        }
        return s
    }
}
