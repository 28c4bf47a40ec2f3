/// Formatting for the Prometheus text exposition format 0.0.4.
enum MetricsExposition {
    /// `# HELP` and `# TYPE` lines. HELP text escapes backslash and newline.
    static func header(name: String, help: String, type: String, into out: inout String) {
        var escaped = ""
        for c in help.unicodeScalars {
            switch c {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(c)
            }
        }
        out += "# HELP \(name) \(escaped)\n# TYPE \(name) \(type)\n"
    }

    /// One sample line: `name{a="x",b="y"} value`.
    static func sample(name: String, labelNames: [String], labelValues: [String],
                       extra: (String, String)? = nil, value: Double, into out: inout String) {
        out += name
        var pairs = Array(zip(labelNames, labelValues))
        if let extra { pairs.append(extra) }
        if !pairs.isEmpty {
            out += "{"
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out += "," }
                out += k
                out += "=\""
                out += escapeLabelValue(v)
                out += "\""
            }
            out += "}"
        }
        out += " "
        out += format(value)
        out += "\n"
    }

    /// Label values escape backslash, double quote and newline.
    static func escapeLabelValue(_ v: String) -> String {
        guard v.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return v }
        var out = ""
        for c in v.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Integral values without a fraction (`3`), others in shortest form (`0.25`),
    /// and `+Inf`, `-Inf`, `NaN` as Prometheus spells them.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// Checks that a label-value list matches the family's label names.
    static func check(_ values: [String], _ names: [String], _ metric: String) {
        precondition(values.count == names.count,
                     "metric \(metric) takes \(names.count) label values (\(names.joined(separator: ", "))), got \(values.count)")
    }
}
