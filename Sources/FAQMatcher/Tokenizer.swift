import Foundation

/// Splits text into lower-case, diacritic-folded tokens.
///
/// - A token is a run of Unicode letters, digits and combining marks; everything else
///   (spaces, punctuation, symbols, emoji) separates tokens. Apostrophes inside a word
///   are dropped, so "what's" and "whats" are the same token.
/// - Diacritics are folded for Latin, Greek and Cyrillic ("olá" = "ola", "Ñ" = "n",
///   "ß" = "ss"); other scripts keep their marks, which are part of their letters.
/// - Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer,
///   Myanmar) become overlapping character bigrams ("营业时间" -> "营业", "业时",
///   "时间"); a lone character stays a unigram.
/// - Work is bounded: at most `maxScalars` scalars are read, at most `maxTokens` tokens
///   come out and a token keeps at most `maxTokenLength` scalars.
enum Tokenizer {
    static let maxScalars = 1_000
    static let maxTokens = 64
    static let maxTokenLength = 32

    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var word = String.UnicodeScalarView()
        var wordLength = 0
        var wordFoldsMarks = false // the last base letter is Latin, Greek or Cyrillic
        var run: [Unicode.Scalar] = [] // a run of a script without spaces

        func flushWord() {
            if wordLength > 0, out.count < maxTokens { out.append(String(word)) }
            word = String.UnicodeScalarView()
            wordLength = 0
        }
        func flushRun() {
            guard !run.isEmpty else { return }
            if run.count == 1 {
                if out.count < maxTokens { out.append(String(Character(run[0]))) }
            } else {
                for i in 0..<(run.count - 1) where out.count < maxTokens {
                    var bigram = String.UnicodeScalarView()
                    bigram.append(run[i]); bigram.append(run[i + 1])
                    out.append(String(bigram))
                }
            }
            run.removeAll(keepingCapacity: true)
        }
        func appendToWord(_ s: Unicode.Scalar) {
            guard wordLength < maxTokenLength else { return }
            word.append(s)
            wordLength += 1
        }

        var seen = 0
        for scalar in text.unicodeScalars {
            seen += 1
            if seen > maxScalars || out.count >= maxTokens { break }
            let v = scalar.value
            if v < 0x80 {
                // ASCII fast path.
                if v >= 0x61 && v <= 0x7A || v >= 0x30 && v <= 0x39 {
                    flushRun(); appendToWord(scalar); wordFoldsMarks = true
                } else if v >= 0x41 && v <= 0x5A {
                    flushRun(); appendToWord(Unicode.Scalar(v + 0x20)!); wordFoldsMarks = true
                } else if v == 0x27 || v == 0x60 {
                    continue // apostrophe: joins "what's" into "whats"
                } else {
                    flushWord(); flushRun()
                }
                continue
            }
            if v == 0x2019 || v == 0x2018 { continue } // typographic apostrophes
            if isUnspacedScript(v) {
                flushWord()
                run.append(scalar)
                continue
            }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                if !run.isEmpty {
                    run.append(scalar)
                } else if wordLength > 0 && !wordFoldsMarks {
                    appendToWord(scalar)
                }
            case .decimalNumber, .letterNumber, .otherNumber:
                flushRun(); appendToWord(scalar)
            default:
                if properties.isAlphabetic {
                    flushRun()
                    wordFoldsMarks = foldsMarks(v)
                    appendFolded(scalar, foldMarks: wordFoldsMarks, append: appendToWord)
                } else {
                    flushWord(); flushRun()
                }
            }
        }
        flushWord(); flushRun()
        return out
    }

    /// Lower-cases a letter and, for Latin, Greek and Cyrillic, removes its diacritics.
    private static func appendFolded(
        _ scalar: Unicode.Scalar, foldMarks: Bool, append: (Unicode.Scalar) -> Void
    ) {
        if let special = specialFolds[scalar.value] {
            for s in special.unicodeScalars { append(s) }
            return
        }
        let lower = scalar.properties.lowercaseMapping
        guard foldMarks else {
            for s in lower.unicodeScalars { append(s) }
            return
        }
        for s in lower.decomposedStringWithCanonicalMappingScalars() {
            switch s.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: append(s)
            }
        }
    }

    /// Letters whose folded form is not their canonical decomposition minus marks.
    private static let specialFolds: [UInt32: String] = [
        0xDF: "ss", 0x1E9E: "ss", 0xE6: "ae", 0xC6: "ae", 0x153: "oe", 0x152: "oe",
        0xF8: "o", 0xD8: "o", 0x142: "l", 0x141: "l", 0x111: "d", 0x110: "d",
        0xF0: "d", 0xD0: "d", 0xFE: "th", 0xDE: "th", 0x131: "i", 0x3C2: "σ",
    ]

    /// Latin (incl. extended), Greek and Cyrillic: scripts where accents are folded.
    private static func foldsMarks(_ v: UInt32) -> Bool {
        v < 0x0530 || (v >= 0x1E00 && v <= 0x1FFF) || (v >= 0x2C60 && v <= 0x2C7F)
            || (v >= 0xA720 && v <= 0xA7FF) || (v >= 0xFF21 && v <= 0xFF5A)
    }

    /// Scripts written without spaces between words.
    static func isUnspacedScript(_ v: UInt32) -> Bool {
        switch v {
        case 0x0E00...0x0EFF, // Thai, Lao
             0x1000...0x109F, // Myanmar
             0x1780...0x17FF, // Khmer
             0x3040...0x30FF, // Hiragana, Katakana
             0x31F0...0x31FF, // Katakana extensions
             0x3400...0x4DBF, // CJK extension A
             0x4E00...0x9FFF, // CJK unified ideographs
             0xF900...0xFAFF, // CJK compatibility ideographs
             0x20000...0x2FA1F: // CJK extensions B-F, compatibility supplement
            return true
        default:
            return false
        }
    }
}

private extension String {
    func decomposedStringWithCanonicalMappingScalars() -> String.UnicodeScalarView {
        decomposedStringWithCanonicalMapping.unicodeScalars
    }
}
