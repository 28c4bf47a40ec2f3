import Synchronization

/// One gauge series: a value set by the program that may go up and down.
public final class MetricsGauge: Sendable {
    private let value = Mutex<Double>(0)

    init() {}

    public func set(_ v: Double) { value.withLock { $0 = v } }
    public func increment(by amount: Double = 1) { value.withLock { $0 += amount } }
    public func decrement(by amount: Double = 1) { value.withLock { $0 -= amount } }
    public var current: Double { value.withLock { $0 } }
}

/// A gauge metric with its label names.
public final class MetricsGaugeFamily: MetricsFamily {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let children: MetricsChildren<MetricsGauge>

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.children = MetricsChildren(name: name, labelNames: labelNames) { MetricsGauge() }
    }

    public func labels(_ values: String...) -> MetricsGauge { children.child(values) }
    public func labels(_ values: [String]) -> MetricsGauge { children.child(values) }

    /// Sets the series without labels.
    public func set(_ v: Double) { children.child([]).set(v) }

    func render(into out: inout String) {
        MetricsExposition.header(name: name, help: help, type: "gauge", into: &out)
        for (values, child) in children.sorted() {
            MetricsExposition.sample(name: name, labelNames: labelNames, labelValues: values,
                                     value: child.current, into: &out)
        }
    }
}
