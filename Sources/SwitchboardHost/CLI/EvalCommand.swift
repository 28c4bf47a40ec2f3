import FAQMatcher
import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardPlugins

/// `switchboard eval [--config PATH] --workspace ID [--json | --details] [--show-wrong] FILE.tsv`: runs a
/// labelled question set through the workspace's whole responder chain, offline (like
/// `ask`: no database, no channel; plugin state in memory for the run), and prints per tier
/// what was answered, right and wrong, then precision, coverage and the share of
/// out-of-scope questions answered. A business tests its bot before it goes live.
///
/// FILE: one question a line, `EXPECTED<TAB>QUESTION`, where EXPECTED is the id of the FAQ
/// entry that answers it, or `none` when the business has no answer for it (out of scope).
/// Blank lines and lines starting with `#` are skipped.
///
/// A reply is judged by its text: the text of the expected entry's answer is correct, the
/// text of another entry's answer is wrong, and any reply to an out-of-scope question is
/// wrong. A reply that is no entry's answer (a generated one) is counted as `unjudged` and
/// left out of precision: the tool does not pretend to grade free text.
/// The tier of a reply is the plugin that gave it; a handoff, the workspace's fallback and
/// no answer at all are the chain's ways of not answering.
///
/// The llm plugin's replies are split by the tier it journalled ("llm/faq", "llm/semantic",
/// "llm/generate", "llm/cache").
///
/// Spend: with an `llm` plugin in the chain, the total USD its budget ledger booked for the
/// run's calls (usage × the model's prices, embeddings at `usd_per_mtok`; `spend_usd` in
/// --json, null without an llm plugin), and per tier and model (`spend_by_tier`).
enum EvalCommand {
    struct Case: Sendable {
        let line: Int
        let expected: String?     // nil: out of scope
        let question: String
    }

    struct TierCount: Sendable {
        var answered = 0, correct = 0, wrong = 0, unjudged = 0
    }

    struct Report: Sendable {
        var inScope = 0, outOfScope = 0
        var tiers: [String: TierCount] = [:]
        var order: [String] = []
        var correct = 0, wrong = 0, unjudged = 0, outOfScopeAnswered = 0
        var pluginErrors = 0
        /// USD the chain's llm plugin booked for the run (its ledger); nil: no llm plugin.
        var spendUSD: Double?
        /// The same per `tier/model`.
        var spendByLabel: [String: Double] = [:]
        var wrongLines: [String] = []
        /// One row per question: line, expected, tier, the entry whose answer was sent
        /// ("-" for none, "text" for a reply that is no entry's answer), outcome.
        var details: [String] = []

        var judged: Int { correct + wrong }
        var precision: Double { judged == 0 ? 1 : Double(correct) / Double(judged) }
        var coverage: Double { inScope == 0 ? 0 : Double(correct) / Double(inScope) }
        var outOfScopeAnsweredShare: Double { outOfScope == 0 ? 0 : Double(outOfScopeAnswered) / Double(outOfScope) }

        /// Questions a tier declined to answer: handed off, the fallback, no answer at all.
        var declined: [String: Int] = [:]

        mutating func decline(_ tier: String) {
            count(tier) { _ in }
            declined[tier, default: 0] += 1
        }

        mutating func count(_ tier: String, _ update: (inout TierCount) -> Void) {
            if tiers[tier] == nil { order.append(tier); tiers[tier] = TierCount() }
            update(&tiers[tier]!)
        }
    }

    /// The reasons a question file is refused, each naming the file and line.
    struct FileError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String, path: String, knownEntries: Set<String>) throws -> [Case] {
        var cases: [Case] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw FileError(description: "\(path):\(i + 1): expected ENTRY_ID<TAB>QUESTION (or none<TAB>QUESTION), found no tab")
            }
            let label = line[..<tab].trimmingCharacters(in: .whitespaces)
            let question = line[line.index(after: tab)...].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty, !question.isEmpty else {
                throw FileError(description: "\(path):\(i + 1): both the expected entry id and the question are required")
            }
            if label != "none", !knownEntries.contains(label) {
                throw FileError(description: "\(path):\(i + 1): no FAQ entry '\(label)' in this workspace (use 'none' for a question it should not answer)")
            }
            cases.append(Case(line: i + 1, expected: label == "none" ? nil : label, question: question))
        }
        guard !cases.isEmpty else { throw FileError(description: "\(path): no questions") }
        return cases
    }

    /// Entry id -> answer text of every `faq` plugin in the workspace's chain, and of the
    /// FAQ files in the `llm` plugins' knowledge.
    static func answers(_ ws: WorkspaceConfig) throws -> [String: String] {
        var out = try EvalSpend.knowledgeAnswers(ws.plugins.filter { $0.name == "llm" }.map(\.configJSON))
        for p in ws.plugins where p.name == "faq" {
            guard let o = try? JSONSerialization.jsonObject(with: Data(p.configJSON.utf8)) as? [String: Any] else { continue }
            var entries: [FAQEntry] = []
            if let v = o["entries"] { entries += try FAQEntries.entries(fromJSON: v, source: "\(ws.file): faq entries") }
            if let path = o["file"] as? String { entries += try FAQEntries.entries(fromFile: path) }
            for e in entries { out[e.id] = e.answer }
        }
        return out
    }

    static func evaluate(_ cases: [Case], chain: ResponderChain, workspace ws: WorkspaceConfig,
                         answers: [String: String]) -> Report {
        var byAnswer: [String: Set<String>] = [:]
        for (id, a) in answers { byAnswer[a, default: []].insert(id) }
        var r = Report()
        for (n, c) in cases.enumerated() {
            if c.expected == nil { r.outOfScope += 1 } else { r.inScope += 1 }
            let result = chain.runBlocking(message: PluginMessage(
                workspace: ws.id, channel: ChannelID("eval"), conversation: ConversationID("eval-\(n)"),
                message: MessageID("eval-\(n)"), senderE164: "", senderName: "", text: c.question,
                kind: .text, timestamp: Date()))
            r.pluginErrors += result.errors.count
            switch result.verdict {
            case .handoff:
                r.decline("handoff")
                r.details.append("\(c.line)\t\(c.expected ?? "none")\thandoff\t-\tdeclined")
            case .template:
                // A template is no FAQ answer: counted as declined (sent as a template).
                r.decline("template")
                r.details.append("\(c.line)\t\(c.expected ?? "none")\ttemplate\t-\tdeclined")
            case .pass:
                let tier = ws.fallback == nil ? "none" : "fallback"
                r.decline(tier)
                r.details.append("\(c.line)\t\(c.expected ?? "none")\t\(tier)\t-\tdeclined")
            case .reply(let text, _):
                var tier = result.plugin ?? "?"
                // The llm plugin says which of its tiers answered.
                if let step = result.events.last(where: { $0.plugin == tier && $0.event == "decision" && $0.fields["outcome"] == "answer" }),
                   let t = step.fields["tier"] {
                    tier += "/" + t
                }
                let ids = byAnswer[text] ?? []
                if let expected = c.expected, ids.contains(expected) {
                    r.count(tier) { $0.answered += 1; $0.correct += 1 }
                    r.correct += 1
                    r.details.append("\(c.line)\t\(expected)\t\(tier)\t\(expected)\tcorrect")
                } else if c.expected == nil || !ids.isEmpty {
                    r.count(tier) { $0.answered += 1; $0.wrong += 1 }
                    r.wrong += 1
                    if c.expected == nil { r.outOfScopeAnswered += 1 }
                    r.wrongLines.append("line \(c.line): expected \(c.expected ?? "none"), \(tier) answered with \(ids.sorted().first ?? "text") | \(c.question)")
                    r.details.append("\(c.line)\t\(c.expected ?? "none")\t\(tier)\t\(ids.sorted().first ?? "text")\twrong")
                } else {
                    r.count(tier) { $0.answered += 1; $0.unjudged += 1 }
                    r.unjudged += 1
                    r.details.append("\(c.line)\t\(c.expected ?? "none")\t\(tier)\ttext\tunjudged")
                }
            }
        }
        return r
    }

    static func run(_ options: CommandOptions) throws -> Int32 {
        guard let wsName = options.value("workspace") else { throw UsageError("switchboard eval: --workspace ID is required") }
        guard options.positional.count == 1, let path = options.positional.first else {
            throw UsageError("switchboard eval: give one question file (EXPECTED<TAB>QUESTION per line)")
        }
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        guard let ws = config.workspaces.first(where: { $0.id.rawValue == wsName }) else {
            printErr("switchboard eval: no workspace '\(wsName)' in \(config.host.workspacesDirectory) (have: \(config.workspaces.map(\.id.rawValue).sorted().joined(separator: ", ")))")
            return 1
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            printErr("switchboard eval: cannot read \(path)")
            return 1
        }
        let cases: [Case]
        let entryAnswers: [String: String]
        do {
            entryAnswers = try answers(ws)
            cases = try parse(String(decoding: data, as: UTF8.self), path: path, knownEntries: Set(entryAnswers.keys))
        } catch {
            printErr("switchboard eval: \(error)")
            return 1
        }
        let state = InMemoryPluginStateStore()
        let host = PluginHost(searchPaths: config.host.pluginPaths, logger: Logger(sink: LogSink(level: .error)),
                              stateStore: state)
        let chain: ResponderChain
        do {
            chain = try host.load(workspace: ws.id, timezone: ws.timeZone.identifier, specs: PluginLoading.specs(ws))
        } catch {
            printErr("switchboard eval: \(error)")
            return 1
        }
        defer { chain.shutdown() }
        let started = Date()
        var report = evaluate(cases, chain: chain, workspace: ws, answers: entryAnswers)
        // The state starts empty: all the ledger holds was booked by this run.
        do {
            let ended = Date()
            report.spendUSD = try EvalSpend.bookedUSD(store: state, workspace: ws.id, timeZone: ws.timeZone,
                                                      plugins: ws.plugins.map(\.name), from: started, to: ended)
            report.spendByLabel = try EvalSpend.bookedByLabel(store: state, workspace: ws.id, timeZone: ws.timeZone,
                                                              plugins: ws.plugins.map(\.name), from: started, to: ended)
        } catch {
            printErr("switchboard eval: the llm plugin's spend cannot be read: \(error)")
            return 1
        }
        if options.has("details") {
            print("LINE\tEXPECTED\tTIER\tANSWERED\tOUTCOME")
            print(report.details.joined(separator: "\n"))
        } else {
            print(options.has("json") ? json(report) : text(report, showWrong: options.has("show-wrong")))
        }
        return 0
    }

    static func text(_ r: Report, showWrong: Bool) -> String {
        var rows = [["TIER", "ANSWERED", "CORRECT", "WRONG", "UNJUDGED", "NOT ANSWERED"]]
        for t in r.order {
            let c = r.tiers[t]!
            rows.append([t, "\(c.answered)", "\(c.correct)", "\(c.wrong)", "\(c.unjudged)", "\(r.declined[t] ?? 0)"])
        }
        let widths = (0..<rows[0].count).map { i in rows.map { $0[i].count }.max() ?? 0 }
        var out = rows.map { row in
            row.enumerated().map { i, s in s.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0) }.joined()
                .trimmingCharacters(in: .whitespaces)
        }
        out.append("")
        out.append("questions: \(r.inScope + r.outOfScope) (\(r.inScope) in scope, \(r.outOfScope) out of scope)")
        out.append("precision: \(percent(r.precision)) (\(r.correct) correct of \(r.judged) judged answers)")
        out.append("coverage: \(percent(r.coverage)) (\(r.correct) of \(r.inScope) in-scope questions answered correctly)")
        out.append("out of scope answered: \(percent(r.outOfScopeAnsweredShare)) (\(r.outOfScopeAnswered) of \(r.outOfScope))")
        if r.unjudged > 0 { out.append("unjudged: \(r.unjudged) replies are no FAQ entry's answer (generated); not in precision") }
        if let usd = r.spendUSD {
            out.append(String(format: "spend: $%.6f (model and embedding calls booked by the llm plugin's ledger)", usd))
            for label in r.spendByLabel.keys.sorted() { out.append(String(format: "  %@: $%.6f", label, r.spendByLabel[label]!)) }
        }
        if r.pluginErrors > 0 { out.append("plugin errors: \(r.pluginErrors) (the chain went on past them)") }
        if showWrong, !r.wrongLines.isEmpty { out.append(""); out += r.wrongLines }
        return out.joined(separator: "\n")
    }

    static func json(_ r: Report) -> String {
        let tiers = r.order.map { t -> String in
            let c = r.tiers[t]!
            return "{\"tier\":\(JSONText.quoted(t)),\"answered\":\(c.answered),\"correct\":\(c.correct),\"wrong\":\(c.wrong),\"unjudged\":\(c.unjudged),\"not_answered\":\(r.declined[t] ?? 0)}"
        }
        return "{\"questions\":\(r.inScope + r.outOfScope),\"in_scope\":\(r.inScope),\"out_of_scope\":\(r.outOfScope),"
            + "\"tiers\":[\(tiers.joined(separator: ","))],"
            + "\"correct\":\(r.correct),\"wrong\":\(r.wrong),\"unjudged\":\(r.unjudged),"
            + "\"precision\":\(fixed(r.precision)),\"coverage\":\(fixed(r.coverage)),"
            + "\"out_of_scope_answered\":\(fixed(r.outOfScopeAnsweredShare)),\"plugin_errors\":\(r.pluginErrors),"
            + "\"spend_usd\":\(r.spendUSD.map { String(format: "%.6f", $0) } ?? "null"),"
            + "\"spend_by_tier\":{\(r.spendByLabel.keys.sorted().map { JSONText.quoted($0) + ":" + String(format: "%.6f", r.spendByLabel[$0]!) }.joined(separator: ","))}}"
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
    static func fixed(_ x: Double) -> String { String(format: "%.4f", x) }
}
