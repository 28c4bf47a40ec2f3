/// A light English stemmer: plural `-s`/`-es`/`-ies`, `-ing` and `-ed`, with the
/// clean-ups of Porter's step 1b so that "baking", "baked" and "bake" meet, and
/// "shipping" becomes "ship". It touches only words of ASCII letters (after folding,
/// Portuguese and Spanish words are ASCII too; stemming them the same way on both
/// sides is harmless) and leaves short words alone.
enum EnglishStemmer {
    static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        guard w.count >= 4, w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }

        // Plurals.
        if ends(w, "sses") {
            w.removeLast(2)
        } else if ends(w, "ies"), w.count > 4 {
            w.removeLast(3); w.append(0x79) // y
        } else if ends(w, "s"), !ends(w, "ss"), !ends(w, "us"), !ends(w, "is") {
            w.removeLast()
        }

        // -ing / -ed, only when a vowel remains in the stem.
        var stripped = false
        if ends(w, "eed") {
            if w.count > 4 { w.removeLast() }
        } else if ends(w, "ing"), w.count >= 6, hasVowel(w.dropLast(3)) {
            w.removeLast(3); stripped = true
        } else if ends(w, "ed"), w.count >= 5, hasVowel(w.dropLast(2)) {
            w.removeLast(2); stripped = true
        }
        if stripped {
            if ends(w, "at") || ends(w, "bl") || ends(w, "iz") {
                w.append(0x65) // e
            } else if w.count >= 2, w[w.count - 1] == w[w.count - 2], !isVowel(w, w.count - 1),
                      ![0x6C, 0x73, 0x7A].contains(w[w.count - 1]) { // not l, s, z
                w.removeLast()
            } else if measure(w) == 1, endsCVC(w) {
                w.append(0x65)
            }
        }
        return String(decoding: w, as: UTF8.self)
    }

    private static func ends(_ w: [UInt8], _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard w.count >= n else { return false }
        return suffix.withUTF8Buffer { s in
            for i in 0..<n where w[w.count - n + i] != s[i] { return false }
            return true
        }
    }

    private static func isVowel(_ w: [UInt8], _ i: Int) -> Bool {
        switch w[i] {
        case 0x61, 0x65, 0x69, 0x6F, 0x75: return true
        case 0x79: return i > 0 && !isVowel(w, i - 1)
        default: return false
        }
    }

    private static func hasVowel(_ w: ArraySlice<UInt8>) -> Bool {
        let a = Array(w)
        return a.indices.contains { isVowel(a, $0) }
    }

    /// Porter's m: the number of vowel-consonant sequences.
    private static func measure(_ w: [UInt8]) -> Int {
        var m = 0
        var previousVowel = false
        for i in w.indices {
            let v = isVowel(w, i)
            if !v && previousVowel { m += 1 }
            previousVowel = v
        }
        return m
    }

    /// Ends consonant-vowel-consonant, the last not w, x or y ("hop", not "snow").
    private static func endsCVC(_ w: [UInt8]) -> Bool {
        let n = w.count
        guard n >= 3 else { return false }
        return !isVowel(w, n - 3) && isVowel(w, n - 2) && !isVowel(w, n - 1)
            && ![0x77, 0x78, 0x79].contains(w[n - 1])
    }
}
