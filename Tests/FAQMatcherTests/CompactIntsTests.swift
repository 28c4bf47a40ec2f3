import Testing
@testable import FAQMatcher

/// The compact number storage of the FAQ index: every value reads back as given, in the
/// fewest bytes that hold the largest, at the edges of each width too.
@Suite struct CompactIntsTests {
    @Test func valuesReadBackAtEveryWidth() {
        for (values, bytes) in [([0, 1, 255], 3), ([0, 256, 65_535], 6), ([7, 65_536, Int(UInt32.max)], 12), ([], 0)] {
            let c = CompactInts(values)
            #expect(Array(c) == values)
            #expect(c.count == values.count)
            #expect(c.storedBytes == bytes)
            // The allocator may give an array more room than asked (Swift uses malloc's
            // usable size as the capacity), so the heap figure is at least the request.
            #expect(bytes == 0 ? c.heapBytes == 0 : c.heapBytes >= HeapBytes.chunk(32 + bytes))
        }
    }

    @Test func listsAndTextsReadBack() {
        let lists = IntLists([[3, 1], [], [70_000], [0]])
        #expect(lists.count == 4)
        #expect((0..<4).map { Array(lists[$0]) } == [[3, 1], [], [70_000], [0]])
        let texts = TextList(["hours", "", "Open 8am to 7pm, Monday to Saturday. Ẹ káàbọ̀!"])
        #expect((0..<texts.count).map { texts[$0] } == ["hours", "", "Open 8am to 7pm, Monday to Saturday. Ẹ káàbọ̀!"])
    }

    /// The vocabulary as numbers of process-wide words: the same word in two indexes is
    /// one number, and a number always reads back its own word.
    @Test func sharedWordsKeepTheirNumbers() {
        let a = SharedWord.intern(["deliver", "lekki", "zzz-compact-test-1"])
        let b = SharedWord.intern(["zzz-compact-test-2", "deliver"])
        #expect(a[0] == b[1])
        #expect(a[2] != b[0])
        #expect((a + b).map { SharedWord.word(Int($0)).text } == ["deliver", "lekki", "zzz-compact-test-1", "zzz-compact-test-2", "deliver"])
    }
}
