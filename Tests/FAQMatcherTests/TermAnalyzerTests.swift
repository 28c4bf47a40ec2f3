import Testing
@testable import FAQMatcher

@Suite struct TermAnalyzerTests {
    private func terms(_ text: String) -> [String] { TermAnalyzer.analyze(text).map(\.term) }

    @Test func stemsEnglishInflections() {
        let cases = [
            "hours": "hour", "cakes": "cake", "opening": "open", "baking": "bake",
            "baked": "bake", "shipping": "ship", "deliveries": "delivery", "parking": "park",
            "hiring": "hire", "ordered": "order", "glass": "glass", "bus": "bus", "cat": "cat",
        ]
        for (word, stem) in cases {
            #expect(EnglishStemmer.stem(word) == stem, "\(word)")
        }
    }

    @Test func expandsChatAbbreviations() {
        #expect(terms("wat r ur hrs pls") == ["hour"])
        #expect(terms("wen u open 2moro") == ["when", "open", "tomorrow"])
        #expect(terms("gf options?") == ["gluten", "free", "option"])
        #expect(terms("how much") == ["price"])
        #expect(terms("wi-fi") == ["wifi"])
    }

    @Test func mapsSynonymsOfCommonTopicsToOneTerm() {
        #expect(terms("when do you close") == terms("when do you open"))
        #expect(terms("delivery") == terms("do you deliver"))
        #expect(terms("shipping") == terms("delivery"))
        #expect(terms("what's your address") == terms("where are you located").filter { $0 != "where" })
        #expect(terms("entregas") == ["deliver"])
    }

    @Test func greetingsThanksAndFillerLeaveNothing() {
        for text in ["hi", "hello there", "good morning", "Good afternoon!", "thanks!", "ok thx",
                     "thank u so much", "ok great", "bom dia", "hola, buenos días", "muchas gracias",
                     "can you do it for me please", "what is this", "yes", "no"] {
            #expect(terms(text).isEmpty, "\(text)")
        }
    }

    @Test func daysTimesAndNumbersWeighLess() {
        let analyzed = TermAnalyzer.analyze("open sunday 9am")
        #expect(analyzed.map(\.weight) == [1, TermAnalyzer.lowWeight, TermAnalyzer.numberWeight])
    }
}
