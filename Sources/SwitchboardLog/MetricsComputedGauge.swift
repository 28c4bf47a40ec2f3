/// A gauge (or a counter kept elsewhere) whose series are computed when the registry is
/// rendered.
final class MetricsComputedGauge: MetricsFamily {
    let name: String
    let help: String
    let labelNames: [String]
    let type: String
    let samples: @Sendable () -> [(labels: [String], value: Double)]

    init(name: String, help: String, labelNames: [String], type: String = "gauge",
         samples: @escaping @Sendable () -> [(labels: [String], value: Double)]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.type = type
        self.samples = samples
    }

    func render(into out: inout String) {
        MetricsExposition.header(name: name, help: help, type: type, into: &out)
        let list = samples()
            .filter { $0.labels.count == labelNames.count }
            .sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
        for s in list {
            MetricsExposition.sample(name: name, labelNames: labelNames, labelValues: s.labels,
                                     value: s.value, into: &out)
        }
    }
}
