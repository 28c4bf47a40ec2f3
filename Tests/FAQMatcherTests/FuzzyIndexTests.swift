import Testing
@testable import FAQMatcher

@Suite struct FuzzyIndexTests {
    private let vocabulary = ["deliver", "address", "open", "accommodation", "chocolate", "drain", "cake", "restaurant"]

    private func neighbours(_ word: String) -> [String: Int] {
        let index = FuzzyIndex(words: vocabulary)
        var out: [String: Int] = [:]
        for n in index.neighbours(of: word) { out[vocabulary[n.index]] = n.distance }
        return out
    }

    @Test func findsWordsOneEditAwayForFourToSevenLetters() {
        #expect(neighbours("delivr") == ["deliver": 1])
        #expect(neighbours("adress") == ["address": 1])
        #expect(neighbours("opne") == ["open": 1]) // transposition counts as one edit
        #expect(neighbours("oepn") == ["open": 1]) // first two letters swapped
    }

    @Test func allowsTwoEditsFromEightLetters() {
        #expect(neighbours("acomodation") == ["accommodation": 2])
        #expect(neighbours("choclate") == ["chocolate": 1])
        #expect(neighbours("restuarnt") == ["restaurant": 2])
    }

    @Test func refusesWhatIsTooFarOrTooShort() {
        #expect(neighbours("delvry").isEmpty)      // 2 edits, but only 6 letters
        #expect(neighbours("cak").isEmpty)         // under 4 letters: no fuzzy matching
        #expect(neighbours("rain").isEmpty)        // "drain" changes the first letter
        #expect(neighbours("deliver").isEmpty)     // the word itself is not a neighbour
        #expect(neighbours("").isEmpty)
        #expect(neighbours(String(repeating: "x", count: 500)).isEmpty)
    }

    @Test func endingsOnlyKeepsRealWordsFromBeingCorrected() {
        let index = FuzzyIndex(words: ["list", "baker", "card"])
        #expect(index.neighbours(of: "last").count == 1)
        #expect(index.neighbours(of: "last", endingsOnly: true).isEmpty)
        #expect(index.neighbours(of: "cars", endingsOnly: true).isEmpty)
        #expect(index.neighbours(of: "bakery", endingsOnly: true).map(\.distance) == [1])
    }

    @Test func distanceIsOptimalStringAlignment() {
        func d(_ a: String, _ b: String) -> Int {
            FuzzyIndex.distance(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value), limit: 10)
        }
        #expect(d("kitten", "sitting") == 3)
        #expect(d("ab", "ba") == 1)
        #expect(d("", "abc") == 3)
        #expect(d("olá", "ola") == 1)
    }
}
