import CSwitchboardPlugin

/// Strings laid out in one allocation, handed to plugins as `sb_str` views. The views
/// stay valid as long as the arena lives; the arena is immutable.
final class StringArena: @unchecked Sendable {
    private let buffer: UnsafeMutableRawBufferPointer
    let views: [sb_str]

    init(_ strings: [String]) {
        let total = strings.reduce(0) { $0 + $1.utf8.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 1)
        self.buffer = buffer
        var views: [sb_str] = []
        views.reserveCapacity(strings.count)
        var offset = 0
        for s in strings {
            var s = s
            let n = s.withUTF8 { src -> Int in
                if src.count > 0 { UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + src.count]).copyMemory(from: UnsafeRawBufferPointer(src)) }
                return src.count
            }
            let p = (buffer.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
            views.append(sb_str(ptr: UnsafePointer(p), len: n))
            offset += n
        }
        self.views = views
    }

    deinit { buffer.deallocate() }
}
