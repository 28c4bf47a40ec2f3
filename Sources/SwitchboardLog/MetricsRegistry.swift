import Synchronization

/// The process's metrics: counters, gauges and histograms with labels, rendered in the
/// Prometheus text exposition format (version 0.0.4) by `render()` for `GET /metrics`.
///
/// Thread-safe. Registering returns a family; `family.labels(...)` returns a child that
/// is cheap to keep and update on a hot path (one uncontended lock, no allocation):
///
///     let sent = registry.counter("switchboard_messages_sent_total",
///                                 help: "Messages accepted by the provider.",
///                                 labelNames: ["workspace", "channel"])
///     sent.labels("bakery", "wa-main").increment()
///
/// Registering a name again returns the existing family when the kind and label names
/// agree; a different kind or different label names is a programming error and traps.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[any MetricsFamily]>([])

    public init() {}

    /// A monotonically increasing count. By convention the name ends in `_total`.
    public func counter(_ name: String, help: String, labelNames: [String] = []) -> MetricsCounterFamily {
        register(name) { MetricsCounterFamily(name: name, help: help, labelNames: labelNames) }
    }

    /// A value that goes up and down, set by the program.
    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> MetricsGaugeFamily {
        register(name) { MetricsGaugeFamily(name: name, help: help, labelNames: labelNames) }
    }

    /// A gauge computed at scrape time (uptime, outbox depth). `samples` runs on the
    /// scraping thread, once per `render()`, and returns one value per label set
    /// (label values in the order of `labelNames`).
    public func computedGauge(_ name: String, help: String, labelNames: [String],
                              samples: @escaping @Sendable () -> [(labels: [String], value: Double)]) {
        _ = register(name) {
            MetricsComputedGauge(name: name, help: help, labelNames: labelNames, samples: samples)
        }
    }

    /// A gauge without labels computed at scrape time.
    public func computedGauge(_ name: String, help: String, value: @escaping @Sendable () -> Double) {
        computedGauge(name, help: help, labelNames: []) { [(labels: [], value: value())] }
    }

    /// A counter without labels that something else keeps (the store's commits), read
    /// at scrape time; `value` must only ever grow.
    public func computedCounter(_ name: String, help: String, value: @escaping @Sendable () -> Double) {
        _ = register(name) {
            MetricsComputedGauge(name: name, help: help, labelNames: [], type: "counter") { [(labels: [], value: value())] }
        }
    }

    /// Observations counted into cumulative buckets (`le` upper bounds, `+Inf` added),
    /// with their sum and count.
    public func histogram(_ name: String, help: String, labelNames: [String] = [],
                          buckets: [Double] = MetricsHistogramFamily.defaultBuckets) -> MetricsHistogramFamily {
        register(name) {
            MetricsHistogramFamily(name: name, help: help, labelNames: labelNames, buckets: buckets)
        }
    }

    private func register<F: MetricsFamily>(_ name: String, _ make: () -> F) -> F {
        families.withLock { list in
            if let existing = list.first(where: { $0.name == name }) {
                guard let same = existing as? F else {
                    preconditionFailure("metric \(name) registered twice with different kinds")
                }
                let fresh = make()
                precondition(same.labelNames == fresh.labelNames,
                             "metric \(name) registered twice with different label names")
                return same
            }
            let family = make()
            precondition(MetricsRegistry.isValidName(name), "invalid metric name \(name)")
            for label in family.labelNames {
                precondition(MetricsRegistry.isValidName(label) && !label.contains(":"),
                             "invalid label name \(label) in metric \(name)")
            }
            list.append(family)
            return family
        }
    }

    /// The Prometheus text exposition of every family, in registration order; series
    /// within a family are sorted by their label values.
    public func render() -> String {
        let list = families.withLock { $0 }
        var out = ""
        for family in list { family.render(into: &out) }
        return out
    }

    /// The content type of `render()`'s output, for the `/metrics` response.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(first >= "0" && first <= "9") else { return false }
        return name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == ":"
        }
    }
}

/// What every kind of metric family does for the registry.
protocol MetricsFamily: Sendable {
    var name: String { get }
    var labelNames: [String] { get }
    func render(into out: inout String)
}
