import Foundation

/// Reads `multipart/form-data` bodies (RFC 7578) for the fake servers: each part's
/// name, file name, type and exact bytes.
public enum Multipart {
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var body: [UInt8]
    }

    /// The `boundary` parameter of a Content-Type header.
    public static func boundary(_ contentType: String) -> String? {
        for piece in contentType.split(separator: ";") {
            let p = piece.trimmingCharacters(in: .whitespaces)
            if p.lowercased().hasPrefix("boundary=") {
                var b = String(p.dropFirst("boundary=".count))
                if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
                return b.isEmpty ? nil : b
            }
        }
        return nil
    }

    /// The parts, or nil when the body is not a well-formed multipart body.
    public static func parse(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var i = 0
        while let at = find(delimiter, in: body, from: i) {
            positions.append(at)
            i = at + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        var parts: [Part] = []
        for (a, b) in zip(positions, positions.dropFirst()) {
            var start = a + delimiter.count
            guard body[start..<min(start + 2, body.count)].elementsEqual([13, 10]) else { return nil }
            start += 2
            var end = b
            // The CRLF before the next delimiter belongs to it.
            if end >= 2, body[end - 2] == 13, body[end - 1] == 10 { end -= 2 } else { return nil }
            guard let headerEnd = find([13, 10, 13, 10], in: Array(body[start..<end]), from: 0) else { return nil }
            let headers = String(decoding: body[start..<(start + headerEnd)], as: UTF8.self)
            let content = Array(body[(start + headerEnd + 4)..<end])
            var name: String?
            var filename: String?
            var type: String?
            for line in headers.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    type = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, contentType: type, body: content))
        }
        // The last delimiter closes the body.
        guard let last = positions.last, body[(last + delimiter.count)...].starts(with: [45, 45]) else { return nil }
        return parts
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let p = piece.trimmingCharacters(in: .whitespaces)
            guard p.hasPrefix(key + "=") else { continue }
            var v = String(p.dropFirst(key.count + 1))
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count, from <= hay.count - needle.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
