import Testing
@testable import FAQMatcher

@Suite struct TermAnalyzerTests {
    /// The topic terms of `text`: stopwords are kept as function words (weight
    /// `functionWordWeight`, never enough to match), and left out here.
    private func terms(_ text: String) -> [String] { TermAnalyzer.analyze(text).filter { !$0.isFunctionWord }.map(\.term) }

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
        // "gf" is not expanded: it is "gluten free" on a menu and "girlfriend" in a chat.
        #expect(terms("gf options?") == ["gf", "option"])
        #expect(terms("how much") == ["price"])
        #expect(terms("wi-fi") == ["wifi"])
    }

    @Test func mapsSynonymsOfCommonTopicsToOneTerm() {
        #expect(terms("when do you close") == ["when", "close"])
        #expect(terms("when do they open") == ["when", "open"])
        #expect(terms("delivery") == terms("do you deliver"))
        #expect(terms("what's your address") == terms("where are you located").filter { $0 != "where" })
        #expect(terms("entregas") == ["deliver"])
    }

    /// Only words of the same meaning are mapped together, not related topics: an FAQ
    /// that wants "married" to find its wedding entry says so in its questions.
    @Test func doesNotMapRelatedTopicsTogether() {
        #expect(terms("shipping") == ["ship"])
        #expect(terms("close") == ["close"])
        #expect(terms("married") != terms("wedding"))
        #expect(terms("staff") == ["staff"])
        #expect(terms("internet") == ["internet"])
        #expect(terms("celiac") == ["celiac"])
        #expect(terms("visa") == ["visa"])
    }

    @Test func stopwordsAreFunctionWordsThatWeighLittle() {
        let analyzed = TermAnalyzer.analyze("what is my name")
        #expect(analyzed.map(\.term) == ["what", "is", "my", "name"])
        #expect(analyzed.map(\.isFunctionWord) == [true, true, true, false])
        #expect(analyzed.filter(\.isFunctionWord).allSatisfy { $0.weight == TermAnalyzer.functionWordWeight && !$0.canCarryMatch })
        #expect(TermAnalyzer.analyze("what is your name").map(\.term) != analyzed.map(\.term))
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
