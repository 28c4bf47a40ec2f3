extension FAQIndex {
    /// The entry `text` asks about, or `nil` when no entry is a confident answer
    /// (greetings, thanks, other topics, or two entries too close to call).
    /// Work is bounded by the tokenizer's limits, whatever the length of `text`.
    public func match(_ text: String) -> FAQMatch? {
        guard let verdict = assess(text), verdict.isAnswer else { return nil }
        return verdict
    }

    /// The best entry for `text` with the runner-up, the signals and the decision
    /// (`abstention` says why the matcher would not answer), or `nil` when the message
    /// touches no entry at all.
    public func assess(_ text: String) -> FAQMatch? {
        let scored = score(text)
        // The best two by a linear scan; `rank` sorts everything, `assess` need not.
        var best: Candidate?
        var runnerUp: Candidate?
        for candidate in scored.candidates {
            if let current = best, !Self.precedes(candidate, current) {
                if runnerUp.map({ Self.precedes(candidate, $0) }) ?? true { runnerUp = candidate }
            } else {
                runnerUp = best
                best = candidate
            }
        }
        guard let best else { return nil }
        let signals = FAQSignals(
            coverage: best.coverage, questionCoverage: best.questionCoverage,
            messageWords: scored.messageWords, matchedWords: best.matchedWords,
            unknownWords: scored.unknownWords)
        return FAQMatch(
            entryID: entryIDs[best.entry], answer: answers[best.entry], score: best.score,
            runnerUpEntryID: runnerUp.map { entryIDs[$0.entry] }, runnerUpScore: runnerUp?.score ?? 0,
            signals: signals, abstention: abstention(best, runnerUp: runnerUp?.score ?? 0))
    }

    /// A scored entry, as `rank` returns it.
    struct Candidate {
        var entry: Int
        var score: Double
        /// Whether one of the entry's questions shares a word with the message that can
        /// carry a match (`AnalyzedTerm.canCarryMatch`).
        var hasQuestionMatch: Bool
        /// Whether `match` answers with this entry (only ever the first candidate).
        var isAnswer: Bool
        var coverage: Double = 0
        var questionCoverage: Double = 0
        var matchedWords: Int = 0
    }

    /// The candidates of a message, with what the decision needs to know of the message.
    struct Scored {
        var candidates: [Candidate] = []
        var messageWords = 0
        var unknownWords = 0
    }

    /// All entries the message touches, best first, with the decision of `match`
    /// (for tests and diagnostics).
    func rank(_ text: String) -> [Candidate] {
        var candidates = score(text).candidates
        candidates.sort(by: Self.precedes)
        if !candidates.isEmpty,
           abstention(candidates[0], runnerUp: candidates.count > 1 ? candidates[1].score : 0) == nil {
            candidates[0].isAnswer = true
        }
        return candidates
    }

    /// Higher score first; on a tie, the entry listed first in the FAQ.
    private static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        a.score != b.score ? a.score > b.score : a.entry < b.entry
    }

    /// Why the matcher does not answer with `best`, or `nil` when it does.
    private func abstention(_ best: Candidate, runnerUp: Double) -> FAQAbstention? {
        if !best.hasQuestionMatch { return .noTopicWord }
        if best.score < threshold { return .lowScore }
        if best.matchedWords < 2, best.score < Self.singleWordThreshold { return .oneTopicWord }
        if best.questionCoverage < Self.minQuestionCoverage { return .weakQuestionOverlap }
        if runnerUp > (1 - margin) * best.score { return .tooClose }
        return nil
    }

    /// Every entry the message touches, scored, in no particular order.
    private func score(_ text: String) -> Scored {
        let terms = Self.uniqueTerms(TermAnalyzer.analyze(text))
        guard !terms.isEmpty, entryIDs.count > 0 else { return Scored() }
        var scored = Scored()

        let docCount = docEntryAndField.count, entryCount = entryIDs.count
        var docCoverage = [Double](repeating: 0, count: docCount)
        var termDocBest = [Double](repeating: 0, count: docCount)
        var entryCoverage = [Double](repeating: 0, count: entryCount)
        var termEntryBest = [Double](repeating: 0, count: entryCount)
        var questionMatch = [Bool](repeating: false, count: entryCount)
        var matchedWords = [Int](repeating: 0, count: entryCount)
        var termInEntry = [Bool](repeating: false, count: entryCount)
        var touchedDocs: [Int32] = [], touchedEntries: [Int32] = []
        var termDocs: [Int32] = [], termEntries: [Int32] = []
        var queryMass = 0.0

        var fuzzyLookups = 0
        for term in terms where !term.isFunctionWord {
            let expansions = self.expansions(of: term, fuzzyLookups: &fuzzyLookups)
            // A word the FAQ has never seen counts as unexplained at the weight of the
            // rarest word; days, times and numbers the FAQ never mentions do not count,
            // since they cannot change what the message is about. An unknown character
            // bigram counts half: in a script without spaces every other bigram spans
            // two words, and such a bigram is an artefact, not something asked about.
            let reference: Double
            if let best = expansions.map({ idf(of: Int($0.term)) }).max() {
                reference = best
            } else if term.weight < 1 {
                reference = 0
            } else {
                reference = term.isCharacterGram ? unknownTermIDF / 2 : unknownTermIDF
            }
            queryMass += term.weight * reference
            let isTopicWord = term.weight >= 1
            if isTopicWord {
                scored.messageWords += 1
                if expansions.isEmpty { scored.unknownWords += 1 }
            }
            for expansion in expansions {
                let base = term.weight * expansion.quality * idf(of: Int(expansion.term))
                for posting in postings[Int(expansion.term)] {
                    let d = Int(posting.doc), e = docEntry(d)
                    let contribution = base * posting.weight
                    if !docIsAnswer(d) {
                        if termDocBest[d] == 0 { termDocs.append(posting.doc) }
                        termDocBest[d] = max(termDocBest[d], contribution)
                        if term.canCarryMatch { questionMatch[e] = true }
                        if isTopicWord { termInEntry[e] = true }
                    } else if isTopicWord {
                        termInEntry[e] = true
                    }
                    if termEntryBest[e] == 0 { termEntries.append(Int32(e)) }
                    termEntryBest[e] = max(termEntryBest[e], contribution * posting.entryShare)
                }
            }
            for d in termDocs {
                if docCoverage[Int(d)] == 0 { touchedDocs.append(d) }
                docCoverage[Int(d)] += termDocBest[Int(d)]
                termDocBest[Int(d)] = 0
            }
            for e in termEntries {
                if termInEntry[Int(e)] { matchedWords[Int(e)] += 1; termInEntry[Int(e)] = false }
                if entryCoverage[Int(e)] == 0 { touchedEntries.append(e) }
                entryCoverage[Int(e)] += termEntryBest[Int(e)]
                termEntryBest[Int(e)] = 0
            }
            termDocs.removeAll(keepingCapacity: true)
            termEntries.removeAll(keepingCapacity: true)
        }
        // Function words only refine what the topic words found: each is looked up in
        // the short function-word list of every question touched so far. One the FAQ
        // does not have weighs nothing, like an unknown day or number.
        for term in terms where term.isFunctionWord && !touchedDocs.isEmpty {
            guard let id = termIDs[term.term] else { continue }
            let base = term.weight * idf(of: Int(id))
            queryMass += base
            for d in touchedDocs {
                docFunctionWords.forEach(in: Int(d), term: id) { word in
                    let contribution = base * word.weight
                    docCoverage[Int(d)] += contribution
                    let e = docEntry(Int(d))
                    if termEntryBest[e] == 0 { termEntries.append(Int32(e)) }
                    termEntryBest[e] = max(termEntryBest[e], contribution * word.entryShare)
                }
            }
            for e in termEntries {
                entryCoverage[Int(e)] += termEntryBest[Int(e)]
                termEntryBest[Int(e)] = 0
            }
            termEntries.removeAll(keepingCapacity: true)
        }
        guard queryMass > 0, !touchedEntries.isEmpty else { return scored }

        // Best share of a single question covered, per entry (reusing termEntryBest).
        for d in touchedDocs {
            let mass = docSelfMass[Int(d)]
            guard mass > 0 else { continue }
            let e = docEntry(Int(d))
            termEntryBest[e] = max(termEntryBest[e], min(1, docCoverage[Int(d)] / mass))
        }
        let base = Self.questionCoverageBase
        scored.candidates = touchedEntries.map { e -> Candidate in
            let i = Int(e)
            let coverage = min(1, entryCoverage[i] / queryMass)
            let score = coverage * (base + (1 - base) * termEntryBest[i])
            return Candidate(entry: i, score: score, hasQuestionMatch: questionMatch[i], isAnswer: false,
                             coverage: coverage, questionCoverage: termEntryBest[i], matchedWords: matchedWords[i])
        }
        return scored
    }

    /// The index terms a message term stands for: itself when the index has it,
    /// otherwise the terms of FAQ words within edit distance, with a lower quality.
    /// At most `maxFuzzyLookups` words of a message are looked up in the fuzzy index;
    /// a message with more unknown words than that is not about the FAQ anyway.
    private func expansions(
        of term: AnalyzedTerm, fuzzyLookups: inout Int
    ) -> [(term: Int32, quality: Double)] {
        if let id = termIDs[term.term] { return [(id, 1)] }
        guard !term.isFunctionWord, fuzzyLookups < Self.maxFuzzyLookups else { return [] }
        fuzzyLookups += 1
        var found: [(term: Int32, quality: Double)] = []
        // A real word is not a typing error: only its own longer or shorter forms.
        let endingsOnly = CommonWords.contains(term.surface) || CommonWords.contains(term.term)
        func add(_ word: String) {
            for neighbour in fuzzy.neighbours(of: word, endingsOnly: endingsOnly) {
                let quality = Self.fuzzyQuality[neighbour.distance]
                for i in fuzzyKeyTerms[neighbour.index] {
                    let id = Int32(i)
                    if let i = found.firstIndex(where: { $0.term == id }) {
                        found[i].quality = max(found[i].quality, quality)
                    } else {
                        found.append((id, quality))
                    }
                }
            }
        }
        add(term.surface)
        if term.term != term.surface { add(term.term) }
        return found
    }

    /// Terms in order of first appearance, each once, with its highest weight.
    private static func uniqueTerms(_ terms: [AnalyzedTerm]) -> [AnalyzedTerm] {
        var out: [AnalyzedTerm] = []
        var position: [String: Int] = [:]
        for t in terms {
            if let i = position[t.term] {
                out[i].weight = max(out[i].weight, t.weight)
            } else {
                position[t.term] = out.count
                out.append(t)
            }
        }
        return out
    }
}
