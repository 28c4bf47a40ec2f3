/// One term of analysed text: the index term, its weight (1 for a topic word, less for
/// days, times, numbers and "where"/"when") and the surface token it came from, which
/// the fuzzy matcher compares with the words seen in the FAQ.
struct AnalyzedTerm: Equatable {
    var term: String
    var weight: Double
    var surface: String
    /// A stopword ("my", "your", "how", "make"): kept at `TermAnalyzer.functionWordWeight`,
    /// since "what is my name" and "what is your name" are different questions, but never
    /// looked up in the fuzzy index and never enough to carry a match.
    var isFunctionWord = false

    /// Whether the term can by itself tie a message to a question: a full-weight word
    /// or an interrogative ("where"), not a day, a time or a number.
    var canCarryMatch: Bool {
        !isFunctionWord && (weight >= 1 || Lexicon.interrogatives.contains(term))
    }

    /// Whether the term is a character bigram (or unigram) of a script without spaces.
    var isCharacterGram: Bool {
        term.unicodeScalars.first.map { Tokenizer.isUnspacedScript($0.value) } ?? false
    }
}

/// Turns tokens into index terms, the same way for FAQ text and for messages:
/// two-word phrases, then abbreviations and synonyms (`Lexicon`), then stopwords, then
/// the light English stemmer, then synonyms again on the stem.
enum TermAnalyzer {
    static let lowWeight = 0.5
    static let numberWeight = 0.25
    static let functionWordWeight = 0.2

    static func analyze(_ text: String) -> [AnalyzedTerm] {
        analyze(tokens: Tokenizer.tokens(text))
    }

    static func analyze(tokens: [String]) -> [AnalyzedTerm] {
        var out: [AnalyzedTerm] = []
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if i + 1 < tokens.count, let replacement = Lexicon.phrases[token + " " + tokens[i + 1]] {
                for term in replacement { emit(term, surface: term, into: &out) }
                i += 2
                continue
            }
            i += 1
            if Lexicon.stopwords.contains(token) { emit(token, surface: token, into: &out); continue }
            if let replacement = Lexicon.replacements[token] {
                for term in replacement { emit(term, surface: token, into: &out) }
                continue
            }
            let stem = EnglishStemmer.stem(token)
            if stem != token, let replacement = Lexicon.replacements[stem] {
                for term in replacement { emit(term, surface: token, into: &out) }
                continue
            }
            emit(stem, surface: token, into: &out)
        }
        return out
    }

    private static func emit(_ term: String, surface: String, into out: inout [AnalyzedTerm]) {
        if Lexicon.stopwords.contains(term) {
            guard functionWordWeight > 0 else { return }
            out.append(AnalyzedTerm(term: term, weight: functionWordWeight, surface: term, isFunctionWord: true))
            return
        }
        out.append(AnalyzedTerm(term: term, weight: weight(of: term), surface: surface))
    }

    static func weight(of term: String) -> Double {
        if Lexicon.lowWeight.contains(term) { return lowWeight }
        if term.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 })
            || term.unicodeScalars.contains(where: { $0.value >= 0x80 && $0.properties.numericType != nil }) {
            return numberWeight
        }
        return 1
    }
}
