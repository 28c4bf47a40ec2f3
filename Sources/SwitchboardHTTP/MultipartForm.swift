import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A `multipart/form-data` body (RFC 7578) split into its parts: what a browser's
/// `FormData` sends. Each part has its field name, an optional file name and type, and
/// its bytes (a slice of the body: nothing is decoded or copied twice).
///
///     let form = try MultipartForm(body: request.body, contentType: request.headers["Content-Type"])
///     let json = form.first("template")?.text
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var bytes: ArraySlice<UInt8>
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public private(set) var parts: [Part] = []

    public func first(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// Whether a `Content-Type` is multipart/form-data (with or without parameters).
    public static func isMultipart(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        return HTTPHeaders.asciiLowercased(contentType).trimmingCharacters(in: .whitespaces).hasPrefix("multipart/form-data")
    }

    public init(body: [UInt8], contentType: String?) throws(Failure) {
        guard let contentType, let boundary = Self.boundary(contentType) else {
            throw Failure(description: "multipart/form-data needs a boundary parameter in its Content-Type")
        }
        let delimiter = Array("--\(boundary)".utf8)
        guard var cursor = Self.find(delimiter, in: body, from: 0) else {
            throw Failure(description: "the multipart body has no part (its boundary is not in it)")
        }
        cursor += delimiter.count
        while true {
            // After a delimiter: `--` ends the body, CRLF starts a part.
            if cursor + 2 <= body.count, body[cursor] == 45, body[cursor + 1] == 45 { break }
            guard cursor + 2 <= body.count, body[cursor] == 13, body[cursor + 1] == 10 else {
                throw Failure(description: "the multipart body is malformed after a boundary")
            }
            cursor += 2
            guard let headEnd = Self.find(Array("\r\n\r\n".utf8), in: body, from: cursor) else {
                throw Failure(description: "a multipart part has no end of headers")
            }
            let head = String(decoding: body[cursor..<headEnd], as: UTF8.self)
            let contentStart = headEnd + 4
            guard let next = Self.find(Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else {
                throw Failure(description: "the multipart body ends inside a part (no closing boundary)")
            }
            var part = Part(name: "", filename: nil, contentType: nil, bytes: body[contentStart..<next])
            for line in head.split(separator: "\r\n", omittingEmptySubsequences: true) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let field = HTTPHeaders.asciiLowercased(String(line[..<colon]))
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if field == "content-disposition" {
                    part.name = Self.parameter("name", in: value) ?? ""
                    part.filename = Self.parameter("filename", in: value)
                } else if field == "content-type" {
                    part.contentType = value
                }
            }
            parts.append(part)
            cursor = next + 2 + delimiter.count
        }
    }

    static func boundary(_ contentType: String) -> String? {
        guard let value = parameter("boundary", in: contentType), !value.isEmpty, value.utf8.count <= 70 else { return nil }
        return value
    }

    /// `name="value"` or `name=value` among `;`-separated parameters.
    static func parameter(_ name: String, in header: String) -> String? {
        // Split on `;` outside quotes (a file name may have one).
        var items: [String] = []
        var current = ""
        var quoted = false
        for c in header {
            if c == "\"" { quoted.toggle() }
            if c == ";" && !quoted { items.append(current); current = "" } else { current.append(c) }
        }
        items.append(current)
        for item in items.dropFirst() {
            let pair = item.trimmingCharacters(in: .whitespaces)
            guard let eq = pair.firstIndex(of: "=") else { continue }
            guard HTTPHeaders.asciiLowercased(String(pair[..<eq])) == name else { continue }
            var value = String(pair[pair.index(after: eq)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard from <= hay.count else { return nil }
        // The first byte found with memchr (fast), then the rest compared.
        return hay.withUnsafeBufferPointer { h -> Int? in
            guard let base = h.baseAddress, needle.count <= h.count else { return nil }
            let first = Int32(needle[0])
            var i = from
            let last = h.count - needle.count
            while i <= last {
                guard let hit = memchr(base + i, first, last - i + 1) else { return nil }
                let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                if memcmp(base + at, needle, needle.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }
}
