import Synchronization

/// The series of one family, keyed by label values, under one lock.
final class MetricsChildren<Child: Sendable>: Sendable {
    private let name: String
    private let labelNames: [String]
    private let make: @Sendable () -> Child
    private let map = Mutex<[[String]: Child]>([:])

    init(name: String, labelNames: [String], make: @escaping @Sendable () -> Child) {
        self.name = name
        self.labelNames = labelNames
        self.make = make
    }

    func child(_ values: [String]) -> Child {
        MetricsExposition.check(values, labelNames, name)
        return map.withLock { map in
            if let c = map[values] { return c }
            let c = make()
            map[values] = c
            return c
        }
    }

    /// Every series, sorted by label values so the exposition is stable.
    func sorted() -> [([String], Child)] {
        map.withLock { Array($0) }
            .map { ($0.key, $0.value) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
    }
}
