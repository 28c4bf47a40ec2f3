import Testing
@testable import FAQMatcher

@Suite struct TokenizerTests {
    @Test func lowerCasesAndSplitsOnPunctuation() {
        #expect(Tokenizer.tokens("What's UP, Doc?!") == ["whats", "up", "doc"])
        #expect(Tokenizer.tokens("gluten-free?? 7am...9pm") == ["gluten", "free", "7am", "9pm"])
        #expect(Tokenizer.tokens("don’t") == ["dont"])
    }

    @Test func foldsDiacritics() {
        #expect(Tokenizer.tokens("Olá, CAFÉ, Niño, Straße, Ærø") == ["ola", "cafe", "nino", "strasse", "aero"])
        // The same word typed with a combining accent (decomposed form).
        #expect(Tokenizer.tokens("ola\u{301}") == ["ola"])
        #expect(Tokenizer.tokens("¿Dónde están?") == Tokenizer.tokens("donde estan"))
    }

    @Test func keepsWordsOfOtherSpacedScripts() {
        #expect(Tokenizer.tokens("Когда вы ОТКРЫТЫ?") == ["когда", "вы", "открыты"])
        #expect(Tokenizer.tokens("متى تفتحون؟") == ["متى", "تفتحون"])
        // Devanagari vowel signs are marks that belong to the word: kept, not split.
        #expect(Tokenizer.tokens("आप कब खुलते हैं") == ["आप", "कब", "खुलते", "हैं"])
    }

    @Test func cjkBecomesCharacterBigrams() {
        #expect(Tokenizer.tokens("营业时间") == ["营业", "业时", "时间"])
        #expect(Tokenizer.tokens("店") == ["店"])
        #expect(Tokenizer.tokens("营业时间？hours") == ["营业", "业时", "时间", "hours"])
        #expect(Tokenizer.tokens("営業時間は") == ["営業", "業時", "時間", "間は"])
    }

    @Test func thaiBecomesCharacterBigrams() {
        let tokens = Tokenizer.tokens("เปิดกี่โมง")
        #expect(tokens.count == "เปิดกี่โมง".unicodeScalars.count - 1)
        #expect(tokens.allSatisfy { $0.unicodeScalars.count == 2 })
    }

    @Test func emptyAndSymbolOnlyInputsHaveNoTokens() {
        #expect(Tokenizer.tokens("").isEmpty)
        #expect(Tokenizer.tokens("   \n\t ").isEmpty)
        #expect(Tokenizer.tokens("👍🎂🎂 ❤️ 🇧🇷").isEmpty)
        #expect(Tokenizer.tokens("?!... :) <3").isEmpty == false) // "3" is a digit token
        #expect(Tokenizer.tokens("?!... :)").isEmpty)
    }

    @Test func workIsBoundedOnVeryLongInput() {
        let long = String(repeating: "cake ", count: 100_000) // 500,000 characters
        #expect(Tokenizer.tokens(long).count == Tokenizer.maxTokens)
        // Nothing after the first `maxScalars` scalars is read.
        let late = String(repeating: " ", count: Tokenizer.maxScalars) + "wedding"
        #expect(Tokenizer.tokens(late).isEmpty)
        // A single enormous word is cut, not copied whole.
        let word = String(repeating: "a", count: 5_000)
        #expect(Tokenizer.tokens(word) == [String(repeating: "a", count: Tokenizer.maxTokenLength)])
    }
}
