import FAQMatcher
import Foundation

/// CLINC150 (Larson et al., EMNLP 2019; CC BY 3.0), the external data set the FAQ
/// matcher is calibrated and tested on: 150 intents, each with 100 training, 20
/// validation and 30 test questions, plus out-of-scope questions (100 training, 100
/// validation, 1,000 test). The file is not in this repository: it lives in the shared
/// data folder beside the clone, `../shared/data/clinc150/data_full.json`.
///
/// Splits, and what each may be used for (docs/faq-calibration.md):
/// - `faq(examplesPerIntent:)`: the first examples of each intent in `train`, the FAQ.
/// - `dev`: `val` + `oos_val` + `oos_train`: every threshold and word-table change is
///   tuned on this.
/// - `test`: `test` + `oos_test`, frozen: only measured, never tuned on.
public struct CLINC150: Sendable {
    public let train: [LabelledQuestion]
    public let val: [LabelledQuestion]
    public let test: [LabelledQuestion]
    public let oosTrain: [LabelledQuestion]
    public let oosVal: [LabelledQuestion]
    public let oosTest: [LabelledQuestion]

    /// The environment variable that overrides where the shared data folder is.
    public static let dataEnvironmentVariable = "SWITCHBOARD_SHARED_DATA"

    /// `data_full.json` in `$SWITCHBOARD_SHARED_DATA/clinc150/` when that is set, else in
    /// `<repoRoot>/../shared/data/clinc150/` (where CI has it).
    public static func defaultFile(repoRoot: URL) -> URL {
        let environment = ProcessInfo.processInfo.environment[dataEnvironmentVariable]
        let dataRoot = environment.map { URL(fileURLWithPath: $0) }
            ?? repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return dataRoot.appendingPathComponent("clinc150/data_full.json")
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init(contentsOf file: URL) throws {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw LoadError(description: "CLINC150 not found at \(file.path): it is not in the repository; "
                + "put the shared data folder beside the clone (../shared/data/clinc150/data_full.json) "
                + "or set \(Self.dataEnvironmentVariable) to a folder holding clinc150/data_full.json")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(description: "\(file.path) is not a JSON object")
        }
        func split(_ key: String) throws -> [LabelledQuestion] {
            guard let list = object[key] as? [[String]] else {
                throw LoadError(description: "\(file.path): \"\(key)\" is missing or not a list of [utterance, intent] pairs")
            }
            return try list.map { pair in
                guard pair.count == 2 else { throw LoadError(description: "\(file.path): \"\(key)\" holds a pair of \(pair.count) strings") }
                return LabelledQuestion(text: pair[0], expected: pair[1] == "oos" ? nil : pair[1])
            }
        }
        train = try split("train")
        val = try split("val")
        test = try split("test")
        oosTrain = try split("oos_train")
        oosVal = try split("oos_val")
        oosTest = try split("oos_test")
    }

    /// The FAQ: one entry per intent, in order of first appearance in `train`, its id the
    /// intent's name, its questions the intent's first `examplesPerIntent` training
    /// questions. The answer is a placeholder without words, so that it adds nothing to
    /// matching (a real answer would help a little).
    public func faq(examplesPerIntent: Int = 10) -> [FAQEntry] {
        var order: [String] = []
        var questions: [String: [String]] = [:]
        for q in train {
            guard let intent = q.expected else { continue }
            if questions[intent] == nil { order.append(intent) }
            if questions[intent, default: []].count < examplesPerIntent { questions[intent, default: []].append(q.text) }
        }
        return order.map { FAQEntry(id: $0, questions: questions[$0]!, answer: "-") }
    }

    /// The tuning split: validation questions and out-of-scope validation and training
    /// questions (3,000 in scope, 200 out of scope).
    public var dev: [LabelledQuestion] { val + oosVal + oosTrain }

    /// Pseudo out-of-scope questions for calibration, from the dev split only: the FAQ
    /// without the intents whose index in name order is `fold` modulo `folds`, and the dev
    /// split with those intents' questions relabelled out of scope (after the real
    /// out-of-scope ones). They are harder than CLINC150's own out-of-scope questions (a
    /// held-out intent usually has a sibling in the FAQ), which is what abstention must
    /// be calibrated against; dev has only 200 real ones.
    public func holdingOut(fold: Int, of folds: Int, examplesPerIntent: Int = 10) -> (faq: [FAQEntry], dev: [LabelledQuestion]) {
        let held = Set(Self.heldOutIntents(faq(examplesPerIntent: examplesPerIntent).map(\.id), fold: fold, of: folds))
        let entries = faq(examplesPerIntent: examplesPerIntent).filter { !held.contains($0.id) }
        let questions = dev.map { q in q.expected.map { held.contains($0) } == true ? LabelledQuestion(text: q.text, expected: nil) : q }
        return (entries, questions)
    }

    /// The intents held out in `fold` of `folds`: every `folds`-th of the names in order.
    public static func heldOutIntents(_ intents: [String], fold: Int, of folds: Int) -> [String] {
        intents.sorted().enumerated().filter { $0.offset % folds == fold }.map(\.element)
    }

    /// The frozen split: 4,500 in-scope and 1,000 out-of-scope test questions.
    public var frozenTest: [LabelledQuestion] { test + oosTest }
}
