/// Non-negative integers, each stored in the fewest bytes (1, 2 or 4) that hold the
/// largest of them: an index's document numbers, term numbers and list offsets. A
/// workspace's FAQ has tens of entries and a few hundred terms, so most of its numbers
/// fit in one byte, where an `Int32` took four (with 10,000 workspaces in one host,
/// every byte per number counts; bench/README.md).
///
///     let docs = CompactInts([3, 7, 250])   // one byte each
///     docs[1]                               // 7
struct CompactInts: RandomAccessCollection, Sendable {
    /// The values, `1 << shift` bytes each, native byte order.
    private let bytes: [UInt8]
    /// 0, 1 or 2 (1, 2 or 4 bytes a value). With the array, 16 bytes a `CompactInts`.
    private let shift: UInt8

    init<S: Sequence>(_ values: S) where S.Element: BinaryInteger {
        let values = values.map { Int($0) }
        let largest = values.max() ?? 0
        precondition(values.allSatisfy { $0 >= 0 } && largest <= Int(UInt32.max), "CompactInts holds 0...UInt32.max")
        let width = largest <= Int(UInt8.max) ? 1 : largest <= Int(UInt16.max) ? 2 : 4
        var bytes = [UInt8](repeating: 0, count: values.count * width)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                switch width {
                case 1: raw[i] = UInt8(v)
                case 2: raw.storeBytes(of: UInt16(v), toByteOffset: i * 2, as: UInt16.self)
                default: raw.storeBytes(of: UInt32(v), toByteOffset: i * 4, as: UInt32.self)
                }
            }
        }
        self.bytes = bytes
        self.shift = width == 1 ? 0 : width == 2 ? 1 : 2
    }

    var count: Int { bytes.count >> Int(shift) }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(i: Int) -> Int {
        precondition(i >= 0 && i < count, "CompactInts index out of range")
        return bytes.withUnsafeBytes { raw in
            switch shift {
            case 0: Int(raw[i])
            case 1: Int(raw.load(fromByteOffset: i &* 2, as: UInt16.self))
            default: Int(raw.load(fromByteOffset: i &* 4, as: UInt32.self))
            }
        }
    }

    /// The heap bytes this takes (see `HeapBytes`).
    var heapBytes: Int { HeapBytes.of(bytes) }
    /// The bytes the values take (count x width), before the allocator's rounding.
    var storedBytes: Int { bytes.count }
}

/// Lists of small non-negative integers stored back to back: `lists[i]` is the i-th list.
struct IntLists: Sendable {
    let elements: CompactInts
    /// `elements[offsets[i]..<offsets[i + 1]]` is list i.
    private let offsets: CompactInts

    init<L: Sequence>(_ lists: L) where L.Element: Sequence, L.Element.Element: BinaryInteger {
        var elements: [Int] = []
        var offsets: [Int] = [0]
        for list in lists {
            elements.append(contentsOf: list.lazy.map { Int($0) })
            offsets.append(elements.count)
        }
        self.elements = CompactInts(elements)
        self.offsets = CompactInts(offsets)
    }

    var count: Int { offsets.count - 1 }

    /// The positions in `elements` of list i.
    func range(_ i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    subscript(i: Int) -> Slice<CompactInts> { elements[range(i)] }

    var heapBytes: Int { elements.heapBytes + offsets.heapBytes }
}

/// Short texts (an index's entry ids, its answers) as one UTF-8 buffer, instead of a
/// `String` each (a heap object of 32 bytes of header plus malloc's rounding for every
/// text longer than 15 bytes).
struct TextList: Sendable {
    private let utf8: [UInt8]
    private let offsets: CompactInts

    init(_ texts: [String]) {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(texts.reduce(0) { $0 + $1.utf8.count })
        var offsets = [0]
        for t in texts {
            utf8.append(contentsOf: t.utf8)
            offsets.append(utf8.count)
        }
        self.utf8 = utf8
        self.offsets = CompactInts(offsets)
    }

    var count: Int { offsets.count - 1 }

    subscript(i: Int) -> String {
        utf8.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]]), as: UTF8.self) }
    }

    var heapBytes: Int { HeapBytes.of(utf8) + offsets.heapBytes }
}

/// What glibc's malloc takes for the heap objects of an index's tables: for a Swift
/// array, its 32-byte header and its capacity, plus malloc's 8-byte chunk header,
/// rounded to 16 bytes. An estimate for reports (faq-bench --memory), not accounting.
enum HeapBytes {
    static func chunk(_ requested: Int) -> Int { max(32, (requested + 8 + 15) & ~15) }

    static func of<T>(_ array: [T]) -> Int {
        array.capacity == 0 ? 0 : chunk(32 + array.capacity * MemoryLayout<T>.stride)
    }

    /// A native string of more than 15 UTF-8 bytes is a heap object (32 bytes of header,
    /// the bytes and a NUL); a shorter one is stored inline.
    static func of(_ string: String) -> Int {
        string.utf8.count <= 15 ? 0 : chunk(32 + string.utf8.count + 1)
    }
}
