import FAQEvaluation
import FAQMatcher
import Foundation

/// `faq-bench clinc150 [dev|test] [--data FILE] [--examples N] [--mistakes N]`:
/// builds an FAQ from CLINC150 (N training questions per intent, default 10) and
/// measures the default matcher on the dev split (default) or the frozen test split.
/// `--dump FILE` writes every question's verdict and signals as TSV, for calibration.
func runCLINC150(_ arguments: [String]) throws {
    var split = "dev", file: URL?, examples = 10, showMistakes = 0, dump: String?
    var rest = arguments[...]
    while let a = rest.popFirst() {
        switch a {
        case "dev", "test": split = a
        case "--data": file = rest.popFirst().map { URL(fileURLWithPath: $0) }
        case "--examples": examples = rest.popFirst().flatMap { Int($0) } ?? examples
        case "--mistakes": showMistakes = rest.popFirst().flatMap { Int($0) } ?? showMistakes
        case "--dump": dump = rest.popFirst()
        default: throw CLINC150.LoadError(description: "unknown argument \(a)")
        }
    }
    let repoRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let data = try CLINC150(contentsOf: file ?? CLINC150.defaultFile(repoRoot: repoRoot))
    let entries = data.faq(examplesPerIntent: examples)
    let questions = split == "test" ? data.frozenTest : data.dev
    let clock = ContinuousClock()
    let start = clock.now
    let index = FAQIndex(entries: entries)
    let evaluation = FAQEvaluation(index: index, questions: questions)
    let elapsed = clock.now - start
    print("CLINC150 \(split) split, FAQ of \(entries.count) entries x \(examples) questions, \(questions.count) questions (\(elapsed)):")
    print("  " + evaluation.summary)
    if let dump {
        var out = "expected\tbest\tscore\trunner_up\trunner_up_score\tcoverage\tquestion_coverage\tmessage_words\tmatched_words\tunknown_words\tabstention\ttext\n"
        for q in questions {
            let m = index.assess(q.text)
            let fields: [String] = [
                q.expected ?? "oos", m?.entryID ?? "-", m.map { "\($0.score)" } ?? "0",
                m?.runnerUpEntryID ?? "-", m.map { "\($0.runnerUpScore)" } ?? "0",
                m.map { "\($0.signals.coverage)" } ?? "0", m.map { "\($0.signals.questionCoverage)" } ?? "0",
                m.map { "\($0.signals.messageWords)" } ?? "0", m.map { "\($0.signals.matchedWords)" } ?? "0",
                m.map { "\($0.signals.unknownWords)" } ?? "0", m?.abstention?.rawValue ?? (m == nil ? "no_candidate" : "answer"),
                q.text.replacingOccurrences(of: "\t", with: " "),
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        try out.write(toFile: dump, atomically: true, encoding: .utf8)
    }
    for m in evaluation.mistakes.prefix(showMistakes) {
        print("  WRONG \(m.text.debugDescription): expected \(m.expected ?? "none"), answered \(m.answered)")
    }
}
