import SwitchboardCore
import Synchronization

/// One histogram series: counts of observations per bucket, their sum and count.
public final class MetricsHistogram: Sendable {
    /// Upper bounds, ascending, without `+Inf`.
    let bounds: [Double]
    private struct State {
        var counts: [UInt64]   // one per bound, plus the +Inf bucket; not cumulative
        var sum: Double = 0
        var count: UInt64 = 0
    }
    private let state: Mutex<State>

    init(bounds: [Double]) {
        self.bounds = bounds
        self.state = Mutex(State(counts: Array(repeating: 0, count: bounds.count + 1)))
    }

    public func observe(_ value: Double) {
        // Buckets are few (about ten): a linear scan beats a binary search here.
        var i = 0
        while i < bounds.count && value > bounds[i] { i += 1 }
        state.withLock { s in
            s.counts[i] += 1
            s.sum += value
            s.count += 1
        }
    }

    /// Observes the seconds elapsed since `start` on the continuous clock.
    public func observe(since start: ContinuousClock.Instant) {
        observe((ContinuousClock.now - start).inSeconds)
    }

    /// Cumulative bucket counts (last is `+Inf`), sum and count.
    public var snapshot: (buckets: [UInt64], sum: Double, count: UInt64) {
        state.withLock { s in
            var running: UInt64 = 0
            let cumulative = s.counts.map { running += $0; return running }
            return (cumulative, s.sum, s.count)
        }
    }
}

/// A histogram metric with its label names and bucket bounds.
public final class MetricsHistogramFamily: MetricsFamily {
    /// Prometheus's default buckets, in seconds: suited to request latencies.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public let name: String
    public let help: String
    public let labelNames: [String]
    public let buckets: [Double]
    private let children: MetricsChildren<MetricsHistogram>

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        precondition(!labelNames.contains("le"), "histogram \(name) cannot have a label named le")
        let bounds = Array(Set(buckets.filter { $0.isFinite })).sorted()
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = bounds
        self.children = MetricsChildren(name: name, labelNames: labelNames) { MetricsHistogram(bounds: bounds) }
    }

    public func labels(_ values: String...) -> MetricsHistogram { children.child(values) }
    public func labels(_ values: [String]) -> MetricsHistogram { children.child(values) }

    /// Observes into the series without labels.
    public func observe(_ value: Double) { children.child([]).observe(value) }

    func render(into out: inout String) {
        MetricsExposition.header(name: name, help: help, type: "histogram", into: &out)
        for (values, child) in children.sorted() {
            let snap = child.snapshot
            for (i, bound) in buckets.enumerated() {
                MetricsExposition.sample(name: name + "_bucket", labelNames: labelNames, labelValues: values,
                                         extra: ("le", MetricsExposition.format(bound)),
                                         value: Double(snap.buckets[i]), into: &out)
            }
            MetricsExposition.sample(name: name + "_bucket", labelNames: labelNames, labelValues: values,
                                     extra: ("le", "+Inf"), value: Double(snap.count), into: &out)
            MetricsExposition.sample(name: name + "_sum", labelNames: labelNames, labelValues: values,
                                     value: snap.sum, into: &out)
            MetricsExposition.sample(name: name + "_count", labelNames: labelNames, labelValues: values,
                                     value: Double(snap.count), into: &out)
        }
    }
}
