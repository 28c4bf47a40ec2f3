import CSwitchboardPlugin

extension String {
    /// Decodes a borrowed `sb_str`; invalid UTF-8 is repaired, never trapped on.
    init(_ s: sb_str) {
        guard let p = s.ptr, s.len > 0 else { self = ""; return }
        self = String(decoding: UnsafeRawBufferPointer(start: p, count: s.len), as: UTF8.self)
    }
}

/// Calls `body` with a borrowed `sb_str` view of `s`, valid only inside `body`.
@inline(__always)
func withSBStr<R>(_ s: String, _ body: (sb_str) -> R) -> R {
    var s = s
    return s.withUTF8 { buf in
        body(sb_str(ptr: buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: buf.count))
    }
}

/// A copy of `s` that lives for the rest of the process (descriptor strings).
func leakedSBStr(_ s: String) -> sb_str {
    let bytes = Array(s.utf8)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
    for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
    return sb_str(ptr: UnsafePointer(p), len: bytes.count)
}
