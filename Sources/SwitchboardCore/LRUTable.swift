/// A dictionary of at most `capacity` entries that forgets the least recently used one
/// to make room: what per-client limit tables need so that an attacker with many
/// addresses pushes out the stalest entries, one at a time, instead of making the table
/// forget everyone at once (which hands every client a fresh allowance).
///
/// Every operation is O(1): the entries sit in arrays linked by index, most recent at
/// the head. Not thread-safe: keep it behind the owner's lock.
public struct LRUTable<Key: Hashable, Value> {
    private var index: [Key: Int] = [:]
    private var keys: [Key?] = []
    private var values: [Value?] = []
    private var prev: [Int] = []
    private var next: [Int] = []
    private var head = -1   // most recently used
    private var tail = -1   // least recently used
    private var free: [Int] = []
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { index.count }

    /// The value of `key`, marking it used; nil when absent.
    public mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToHead(i)
        return values[i]
    }

    /// The value of `key` without marking it used.
    public func peek(_ key: Key) -> Value? {
        index[key].flatMap { values[$0] }
    }

    /// Sets `key`'s value and marks it used; evicts the least recently used entry when
    /// the table is full. Returns the evicted key, if any.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value) -> Key? {
        if let i = index[key] {
            values[i] = value
            moveToHead(i)
            return nil
        }
        var evicted: Key?
        if index.count >= capacity, tail >= 0 {
            evicted = keys[tail]
            remove(at: tail)
        }
        let i: Int
        if let reused = free.popLast() {
            i = reused
            keys[i] = key
            values[i] = value
        } else {
            i = keys.count
            keys.append(key)
            values.append(value)
            prev.append(-1)
            next.append(-1)
        }
        index[key] = i
        linkAtHead(i)
        return evicted
    }

    /// Reads, changes and stores `key`'s value (starting from `initial` when absent),
    /// marking it used; returns what `body` returns.
    public mutating func update<R>(_ key: Key, default initial: @autoclosure () -> Value, _ body: (inout Value) -> R) -> R {
        var value = get(key) ?? initial()
        let result = body(&value)
        set(key, value)
        return result
    }

    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        let v = values[i]
        remove(at: i)
        return v
    }

    /// Keys from the most to the least recently used (for tests and diagnostics).
    public var keysByRecency: [Key] {
        var out: [Key] = []
        var i = head
        while i >= 0 { out.append(keys[i]!); i = next[i] }
        return out
    }

    private mutating func remove(at i: Int) {
        unlink(i)
        if let k = keys[i] { index.removeValue(forKey: k) }
        keys[i] = nil
        values[i] = nil
        free.append(i)
    }

    private mutating func moveToHead(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        linkAtHead(i)
    }

    private mutating func unlink(_ i: Int) {
        let p = prev[i], n = next[i]
        if p >= 0 { next[p] = n } else { head = n }
        if n >= 0 { prev[n] = p } else { tail = p }
        prev[i] = -1
        next[i] = -1
    }

    private mutating func linkAtHead(_ i: Int) {
        prev[i] = -1
        next[i] = head
        if head >= 0 { prev[head] = i }
        head = i
        if tail < 0 { tail = i }
    }
}

extension LRUTable: Sendable where Key: Sendable, Value: Sendable {}
