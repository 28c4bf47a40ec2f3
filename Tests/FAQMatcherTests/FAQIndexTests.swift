import Testing
@testable import FAQMatcher
import FAQEvaluation

@Suite struct FAQIndexTests {
    let index = FAQIndex(entries: BakeryFAQ.entries)

    private func id(_ text: String) -> String? { index.match(text)?.entryID }

    @Test func answersWithTheEntrysAnswerAndAScoreInRange() throws {
        let match = try #require(index.match("What are your opening hours?"))
        #expect(match.entryID == "hours")
        #expect(match.answer == BakeryFAQ.entries[0].answer)
        #expect(match.score > 0.5 && match.score <= 1)
        #expect(match.isAnswer && match.abstention == nil)
    }

    @Test func matchesTyposAbbreviationsAndWordOrder() {
        #expect(id("delivr?") == "delivery")
        #expect(id("whats ur adress") == "location")
        #expect(id("wat r ur hrs") == "hours")
        #expect(id("open when are you") == "hours")
        #expect(id("CAN I PAY BY CARD") == "payment")
        // Word order does not matter: both find the entry (not merely the same nil).
        #expect(id("wedding cake tasting") == "wedding")
        #expect(id("tasting cake wedding") == "wedding")
    }

    @Test func matchesShortQuestions() {
        #expect(id("hours?") == "hours")
        #expect(id("delivery?") == "delivery")
        #expect(id("parking") == "parking")
        #expect(id("wifi") == "wifi")
    }

    @Test func foldsAccentsBothWays() {
        // The FAQ has "Qual é o horário de funcionamento?".
        #expect(id("horario de funcionamento") == "hours")
        #expect(id("HORÁRIO DE FUNCIONAMENTO") == "hours")
        // And "¿Hacen entregas a domicilio?"; the customer writes an accent the FAQ has not.
        #expect(id("entregás a domicílio") == "delivery")
    }

    @Test func matchesScriptsWithoutSpaces() {
        let index = FAQIndex(entries: [
            FAQEntry(id: "hours", questions: ["营业时间是什么时候？", "営業時間は何時ですか"], answer: "8-19"),
            FAQEntry(id: "delivery", questions: ["你们送货吗？", "配達はできますか"], answer: "yes"),
            FAQEntry(id: "thai_hours", questions: ["ร้านเปิดกี่โมง"], answer: "8 โมง"),
        ])
        #expect(index.match("你们的营业时间？")?.entryID == "hours")
        #expect(index.match("営業時間を教えて")?.entryID == "hours")
        #expect(index.match("送货吗")?.entryID == "delivery")
        #expect(index.match("เปิดกี่โมงครับ")?.entryID == "thai_hours")
        #expect(index.match("谢谢") == nil)
    }

    @Test func realWordsAreNotTreatedAsTypos() {
        // "last" is one letter from "list" (price list), "cars" from "card"; both are
        // ordinary words, not typing errors, so they do not match those entries.
        #expect(index.match("same as last time") == nil)
        #expect(index.match("cars?") == nil)
        #expect(CommonWords.contains("last") && !CommonWords.contains("adress"))
        // A misspelling that is not a word still is corrected.
        #expect(index.match("adress?")?.entryID == "location")
    }

    @Test func passesOnGreetingsThanksAndOtherTopics() {
        for text in ["hi", "hello there", "good morning", "thanks!", "ok thx", "see you soon",
                     "do you sell bicycles", "can i speak to a human", "what is the capital of france"] {
            #expect(index.match(text) == nil, "\(text)")
        }
    }

    @Test func stopwordsNeverCreateAMatch() {
        // Every word here is in some FAQ question ("What is your address?",
        // "Can you make a custom cake?"...), but none of them says anything.
        #expect(index.match("what is your") == nil)
        #expect(index.match("can you do it for me") == nil)
        #expect(index.match("are you there?") == nil)
        // An FAQ made only of stopwords cannot be matched at all.
        let empty = FAQIndex(entries: [FAQEntry(id: "x", questions: ["What is it?"], answer: "It is.")])
        #expect(empty.match("what is it") == nil)
    }

    @Test func daysTimesAndVagueWordsAloneNeverMatch() {
        // Each is in some question ("for tomorrow", "on Sundays", "gluten-free",
        // "for people with allergies") but says too little on its own.
        for text in ["tomorrow?", "sunday?", "free?", "people", "8am", "today"] {
            #expect(index.match(text) == nil, "\(text)")
        }
        // An interrogative may carry a match ("where r u"), but "when?" alone is one
        // vague word: the hours entry is the best guess, not a confident answer.
        #expect(index.assess("when?")?.entryID == "hours")
        #expect(index.assess("when?")?.abstention == .oneTopicWord)
        #expect(index.match("when are you open")?.entryID == "hours")
    }

    @Test func emptyAndEmojiOnlyInputsPass() {
        #expect(index.match("") == nil)
        #expect(index.match("   \n") == nil)
        #expect(index.match("👍") == nil)
        #expect(index.match("🎂🎂🎂❤️") == nil)
        #expect(index.match("?!?!") == nil)
    }

    @Test func anEmptyFAQNeverAnswers() {
        let empty = FAQIndex(entries: [])
        #expect(empty.match("what are your hours") == nil)
        let blank = FAQIndex(entries: [FAQEntry(id: "blank", questions: [], answer: "")])
        #expect(blank.match("what are your hours") == nil)
    }

    @Test func veryLongInputsAreBoundedAndStillWork() {
        let question = "do you deliver? "
        #expect(index.match(question + String(repeating: "🎂", count: 200_000)) != nil)
        // The question comes after everything the matcher reads: nothing is answered.
        #expect(index.match(String(repeating: ". ", count: 50_000) + question) == nil)
        // Many words: only the first `Tokenizer.maxTokens` count.
        let words = String(repeating: "delivery ", count: 100_000)
        #expect(index.match(words)?.entryID == "delivery")
    }

    @Test func thresholdDecidesHowSureTheMatcherMustBe() throws {
        // Words the FAQ knows (pay, card) and one it does not (counter): a partial match.
        let text = "can i pay by card at the counter"
        let loose = FAQIndex(entries: BakeryFAQ.entries, threshold: 0.1)
        let partial = try #require(loose.match(text))
        #expect(partial.entryID == "payment")
        #expect(partial.score < 0.9)
        let strict = FAQIndex(entries: BakeryFAQ.entries, threshold: partial.score + 0.01)
        #expect(strict.match(text) == nil)
        let exact = FAQIndex(entries: BakeryFAQ.entries, threshold: partial.score)
        #expect(exact.match(text)?.entryID == "payment")
        // Out-of-range thresholds are clamped.
        #expect(FAQIndex(entries: [], threshold: 7).threshold == 1)
        #expect(FAQIndex(entries: [], threshold: -1).threshold == 0)
        #expect(FAQIndex(entries: []).threshold == FAQIndex.defaultThreshold)
        #expect(FAQIndex(entries: [], threshold: nil, margin: 5).margin == 1)
        #expect(FAQIndex(entries: [], threshold: .nan).threshold == 0)
    }

    @Test func twoEntriesTooCloseToCallPass() {
        let entries = [
            FAQEntry(id: "a", questions: ["Do you sell sourdough bread?"], answer: "A"),
            FAQEntry(id: "b", questions: ["Do you sell sourdough loaves?"], answer: "B"),
        ]
        let tie = FAQIndex(entries: entries).assess("do you sell sourdough")
        #expect(tie?.isAnswer == false && tie?.abstention == .tooClose)
        #expect(tie?.entryID == "a" && tie?.runnerUpEntryID == "b" && tie?.runnerUpScore == tie?.score)
        // With no margin the tie is broken by FAQ order instead.
        #expect(FAQIndex(entries: entries, threshold: nil, margin: 0).match("do you sell sourdough")?.entryID == "a")
        #expect(FAQIndex(entries: entries).match("sourdough loaves")?.entryID == "b")
    }

    @Test func answerTextCountsLessThanQuestions() {
        // "Market Street" is only in the answers of location and parking.
        #expect(index.match("market street") == nil)
        let scored = index.rank("market street")
        #expect(!scored.isEmpty && scored.allSatisfy { $0.score < index.threshold })
    }

    /// `assess` shows later tiers what the matcher saw, answered or not.
    @Test func assessReportsRunnerUpSignalsAndWhyItAbstains() throws {
        let answer = try #require(index.assess("can i pay with card"))
        #expect(answer.isAnswer && answer.entryID == "payment")
        #expect(answer.runnerUpScore <= (1 - index.margin) * answer.score)
        #expect(answer.margin == answer.score - answer.runnerUpScore)
        let two = try #require(index.assess("can i pay by card for delivery"))
        #expect(two.entryID == "payment" && two.runnerUpEntryID == "delivery", "\(two)")
        #expect(two.runnerUpScore > 0 && two.runnerUpScore < two.score)
        #expect(answer.signals.matchedWords >= 1 && answer.signals.coverage > 0 && answer.signals.questionCoverage > 0)
        #expect(index.match("can i pay with card") == answer)

        let unsure = try #require(index.assess("what about the tomorrow"))
        #expect(!unsure.isAnswer && unsure.abstention == .noTopicWord)
        #expect(index.match("what about the tomorrow") == nil)
        #expect(index.assess("👍") == nil)

        let foreign = try #require(index.assess("can i pay with bitcoin or ethereum tokens"))
        #expect(foreign.signals.unknownWords >= 2 && foreign.signals.messageWords >= foreign.signals.unknownWords)
    }

    @Test func oneIndexServesConcurrentCallers() async {
        let index = self.index
        let results = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { index.match("do u deliver")?.entryID }
            }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: "delivery", count: 8))
    }
}
