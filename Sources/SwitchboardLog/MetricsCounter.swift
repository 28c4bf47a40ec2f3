import Synchronization

/// One counter series (a family's child for one set of label values).
public final class MetricsCounter: Sendable {
    private let value = Mutex<Double>(0)

    init() {}

    /// Adds `amount` (must not be negative: a counter only goes up).
    public func increment(by amount: Double = 1) {
        precondition(amount >= 0, "a counter cannot decrease")
        value.withLock { $0 += amount }
    }

    public var current: Double { value.withLock { $0 } }
}

/// A counter metric with its label names; `labels(...)` returns the series for one set
/// of label values, creating it at zero the first time.
public final class MetricsCounterFamily: MetricsFamily {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let children: MetricsChildren<MetricsCounter>

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.children = MetricsChildren(name: name, labelNames: labelNames) { MetricsCounter() }
    }

    public func labels(_ values: String...) -> MetricsCounter { children.child(values) }
    public func labels(_ values: [String]) -> MetricsCounter { children.child(values) }

    /// Increments the series without labels (or the one for `labels`).
    public func increment(by amount: Double = 1, labels values: [String] = []) {
        children.child(values).increment(by: amount)
    }

    func render(into out: inout String) {
        MetricsExposition.header(name: name, help: help, type: "counter", into: &out)
        for (values, child) in children.sorted() {
            MetricsExposition.sample(name: name, labelNames: labelNames, labelValues: values,
                                     value: child.current, into: &out)
        }
    }
}
