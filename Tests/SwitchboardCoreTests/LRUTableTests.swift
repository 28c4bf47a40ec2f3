import Testing
import SwitchboardCore

@Suite struct LRUTableTests {
    @Test func aFullTableForgetsTheLeastRecentlyUsedOneAtATime() {
        var t = LRUTable<String, Int>(capacity: 3)
        t.set("a", 1); t.set("b", 2); t.set("c", 3)
        #expect(t.get("a") == 1)                 // a is now the most recent
        #expect(t.set("d", 4) == "b")            // b was the least recently used
        #expect(t.count == 3)
        #expect(t.keysByRecency == ["d", "a", "c"])
        #expect(t.peek("c") == 3)                // peek does not refresh
        #expect(t.set("e", 5) == "c")
        #expect(t.get("b") == nil && t.get("c") == nil)
        #expect(t.keysByRecency == ["e", "d", "a"])
    }

    @Test func updateAndRemoveKeepTheLinksRight() {
        var t = LRUTable<Int, Int>(capacity: 100)
        for i in 0..<100 { t.update(i, default: 0) { $0 += i } }
        for i in stride(from: 0, to: 100, by: 2) { #expect(t.removeValue(forKey: i) == i) }
        #expect(t.count == 50)
        for i in 100..<150 { t.set(i, i) }       // reuses the freed slots
        #expect(t.count == 100)
        #expect(t.set(150, 150) == 1)            // the oldest left: 1
        #expect(t.keysByRecency.count == 100)
        #expect(Set(t.keysByRecency).count == 100)
        #expect(t.update(3, default: -1) { $0 } == 3)
        #expect(t.keysByRecency.first == 3)
    }
}
