import FAQEvaluation
import FAQMatcher
import Foundation

/// `faq-bench quality SET [SPLIT] [--data FILE] [--examples N] [--mistakes N] [--dump FILE]`
/// measures the default matcher's answers on a labelled set:
/// - `clinc150 dev|test`: an FAQ built from CLINC150 (N training questions per intent,
///   default 10), asked the dev split (tuning) or the frozen test split;
/// - `bakery dev|frozen`: the bakery FAQ and the two halves of its labelled messages;
/// - `repair-shop`: the held-out repair shop FAQ (frozen).
/// `--dump FILE` writes every question's verdict and signals as TSV, for calibration.
/// `--hold-out F/K` (clinc150 dev only): the intents whose index in name order is F modulo K
/// are left out of the FAQ and their dev questions count as out of scope: thousands of
/// pseudo out-of-scope questions, near the FAQ's topics, for calibrating abstention (dev
/// has only 200 real ones). The frozen test split is never held out.
func runQuality(_ arguments: [String]) throws {
    var positional: [String] = [], file: URL?, examples = 10, showMistakes = 0, dump: String?
    var holdOut: (fold: Int, folds: Int)?
    var rest = arguments[...]
    while let a = rest.popFirst() {
        switch a {
        case "--data": file = rest.popFirst().map { URL(fileURLWithPath: $0) }
        case "--examples": examples = rest.popFirst().flatMap { Int($0) } ?? examples
        case "--mistakes": showMistakes = rest.popFirst().flatMap { Int($0) } ?? showMistakes
        case "--dump": dump = rest.popFirst()
        case "--hold-out":
            let parts = (rest.popFirst() ?? "").split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] > 1, (0..<parts[1]).contains(parts[0]) else {
                throw CLINC150.LoadError(description: "--hold-out takes F/K with 0 <= F < K, K >= 2 (e.g. 0/5)")
            }
            holdOut = (parts[0], parts[1])
        default: positional.append(a)
        }
    }
    let entries: [FAQEntry], questions: [LabelledQuestion], name: String
    switch (positional.first, positional.dropFirst().first) {
    case ("clinc150", let split) where split == nil || split == "dev" || split == "test":
        let repoRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let data = try CLINC150(contentsOf: file ?? CLINC150.defaultFile(repoRoot: repoRoot))
        if let h = holdOut {
            guard split != "test" else { throw CLINC150.LoadError(description: "--hold-out is for the dev split only: the test split stays frozen") }
            (entries, questions) = data.holdingOut(fold: h.fold, of: h.folds, examplesPerIntent: examples)
        } else {
            entries = data.faq(examplesPerIntent: examples)
            questions = split == "test" ? data.frozenTest : data.dev
        }
        name = "CLINC150 \(split ?? "dev"), FAQ of \(entries.count) entries x \(examples) questions"
            + (holdOut.map { ", intents \($0.fold) mod \($0.folds) held out as out of scope" } ?? "")
    case ("bakery", let split) where split == nil || split == "dev" || split == "frozen":
        entries = BakeryFAQ.entries
        questions = split == "frozen" ? LabelledQuestions.frozen : LabelledQuestions.dev
        name = "bakery \(split ?? "dev")"
    case ("repair-shop", nil):
        entries = HeldOutRepairShop.entries
        questions = HeldOutRepairShop.frozen
        name = "repair shop (frozen)"
    default:
        throw CLINC150.LoadError(description: "usage: faq-bench quality clinc150 [dev|test] | bakery [dev|frozen] | repair-shop [--data FILE] [--examples N] [--mistakes N] [--dump FILE] [--hold-out F/K]")
    }
    let clock = ContinuousClock()
    let start = clock.now
    let index = FAQIndex(entries: entries)
    let evaluation = FAQEvaluation(index: index, questions: questions)
    let elapsed = clock.now - start
    print("\(name), \(questions.count) questions (\(elapsed)):")
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
                q.text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " "),
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        try out.write(toFile: dump, atomically: true, encoding: .utf8)
    }
    for m in evaluation.mistakes.prefix(showMistakes) {
        print("  WRONG \(m.text.debugDescription): expected \(m.expected ?? "none"), answered \(m.answered)")
    }
}
