import FAQMatcher
import Foundation
import SwitchboardPluginKit

/// The FAQ plugin's config, from the workspace's YAML:
///
///     - name: faq
///       config:
///         entries:                       # inline entries...
///           - id: hours
///             questions: ["When are you open?", "Opening hours?"]
///             answer: "8am to 7pm, Monday to Saturday."
///         file: config/faq/bakery.csv    # ...and/or a file: .json (a list of entries, or
///                                        # {"entries": [...]}) or .csv (header id,question,answer;
///                                        # one row per question, rows of one id share its answer)
///         threshold: 0.2                 # optional: the matcher's minimum score (default 0.2)
///         margin: 0.55                   # optional: the best entry's lead over the runner-up,
///                                        # as a share of its score (default 0.55: the
///                                        # runner-up may score at most 45 % of the best)
///
/// A relative `file` is read from the host's working directory. For entries in a YAML
/// file, use the workspace's generic `config_file:` beside `config:` (the host reads the
/// YAML and hands its `entries` to the plugin as part of the JSON config):
///
///     - name: faq
///       config_file: config/faq/bakery.yaml   # entries: [{id, questions, answer}, ...]
struct FAQConfig {
    var entries: [FAQEntry] = []
    var threshold: Double?
    var margin: Double?

    static let keys: Set<String> = ["entries", "file", "threshold", "margin"]

    init(_ config: PluginConfig) throws {
        try config.rejectUnknownKeys(Self.keys)
        let o = try config.object()
        if let v = o["entries"] {
            entries += try Self.read { try FAQEntries.entries(fromJSON: v, source: "config: entries") }
        }
        if let v = o["file"] {
            guard let path = v as? String, !path.isEmpty else { throw PluginError.invalid("config: file must be a path") }
            entries += try Self.read { try FAQEntries.entries(fromFile: path) }
        }
        if let v = o["threshold"] {
            guard let t = v as? Double, t >= 0, t <= 1 else {
                throw PluginError.invalid("config: threshold must be a number between 0 and 1")
            }
            threshold = t
        }
        if let v = o["margin"] {
            guard let m = v as? Double, m >= 0, m <= 1 else {
                throw PluginError.invalid("config: margin must be a number between 0 and 1")
            }
            margin = m
        }
        guard !entries.isEmpty else { throw PluginError.invalid("config: no FAQ entries (give entries or file)") }
        var seen: Set<String> = []
        for e in entries where !seen.insert(e.id).inserted {
            throw PluginError.invalid("config: entry id \"\(e.id)\" appears twice")
        }
    }

    /// Entries read by the shared reader, its errors reported as config errors.
    static func read(_ body: () throws -> [FAQEntry]) throws -> [FAQEntry] {
        do { return try body() } catch let e as FAQEntryError { throw PluginError.invalid(e.message) }
    }
}
