// faq-bench: how long FAQIndex.match takes on a 1,000-entry FAQ.
//
//   swift run -c release faq-bench [entries] [matches]
//   swift run -c release faq-bench quality clinc150 [dev|test]   (answer quality, see QualityBench.swift)
//
// The FAQ is synthetic and the same on every run (a seeded generator): made-up words
// with a skewed frequency, three questions and one answer per entry. The messages are
// the FAQ's questions reworded the way customers do (shuffled, a word dropped, a typo,
// chat filler added) plus off-topic messages made of words the FAQ does not have.
// The mean covers every call; percentiles come from a second pass timing each call.
import FAQMatcher
import Foundation

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func runBenchmark() {
    let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
    let entryCount = arguments.first ?? 1_000
    let matchCount = arguments.dropFirst().first ?? 100_000
    var rng = SplitMix64(state: 42)

    // Made-up words of 2-4 syllables.
    let consonants = Array("bcdfghjklmnprstvz"), vowels = Array("aeiou")
    var vocabulary: [String] = []
    var seen = Set<String>()
    while vocabulary.count < 6_000 {
        var word = ""
        for _ in 0..<Int.random(in: 2...4, using: &rng) {
            word.append(consonants.randomElement(using: &rng)!)
            word.append(vowels.randomElement(using: &rng)!)
        }
        if seen.insert(word).inserted { vocabulary.append(word) }
    }
    let faqWords = Array(vocabulary[..<4_000]) // the FAQ's vocabulary
    let foreignWords = Array(vocabulary[4_000...]) // never in the FAQ
    /// A skewed pick: low indices (common words) far more often than high ones.
    func commonWord(_ words: [String]) -> String {
        let u = Double.random(in: 0..<1, using: &rng)
        return words[Int(u * u * u * Double(words.count))]
    }
    let starts = ["what is the", "do you have", "can i get", "how do i", "is there a", "where is the", "when do you"]

    var entries: [FAQEntry] = []
    for e in 0..<entryCount {
        let topic = (0..<3).map { _ in faqWords.randomElement(using: &rng)! }
        let questions = (0..<3).map { _ -> String in
            var words = [starts.randomElement(using: &rng)!]
            words += topic.shuffled(using: &rng).prefix(Int.random(in: 2...3, using: &rng))
            words += (0..<Int.random(in: 1...3, using: &rng)).map { _ in commonWord(faqWords) }
            return words.joined(separator: " ") + "?"
        }
        let answer = (0..<Int.random(in: 12...25, using: &rng)).map { _ in commonWord(faqWords) }
        entries.append(FAQEntry(id: "entry-\(e)", questions: questions, answer: answer.joined(separator: " ") + "."))
    }

    // Messages: 70% reworded questions (expected: their entry), 30% off-topic.
    func typo(_ word: String) -> String {
        guard word.count >= 5 else { return word }
        var scalars = Array(word)
        let i = Int.random(in: 1..<scalars.count, using: &rng)
        scalars[i] = vowels.randomElement(using: &rng)!
        return String(scalars)
    }
    var messages: [(text: String, expected: String?)] = []
    for _ in 0..<5_000 {
        if Double.random(in: 0..<1, using: &rng) < 0.7 {
            let entry = entries.randomElement(using: &rng)!
            var words = entry.questions.randomElement(using: &rng)!.dropLast().split(separator: " ").map(String.init)
            words.shuffle(using: &rng)
            if words.count > 4 { words.remove(at: Int.random(in: 0..<words.count, using: &rng)) }
            let t = Int.random(in: 0..<words.count, using: &rng)
            words[t] = typo(words[t])
            if Bool.random(using: &rng) { words.insert(["hi", "pls", "thx", "u", "ok"].randomElement(using: &rng)!, at: 0) }
            messages.append((words.joined(separator: " ") + "?", entry.id))
        } else {
            let words = (0..<Int.random(in: 2...6, using: &rng)).map { _ in foreignWords.randomElement(using: &rng)! }
            messages.append((["hello", "thanks"].randomElement(using: &rng)! + " " + words.joined(separator: " "), nil))
        }
    }

    let clock = ContinuousClock()
    let buildStart = clock.now
    let index = FAQIndex(entries: entries)
    let buildTime = clock.now - buildStart

    // Quality on the synthetic set (a sanity check, not the labelled evaluation).
    var correct = 0, wrong = 0, offTopicAnswered = 0, answerable = 0
    for message in messages {
        let match = index.match(message.text)
        if let expected = message.expected {
            answerable += 1
            if match?.entryID == expected { correct += 1 } else if match != nil { wrong += 1 }
        } else if match != nil {
            offTopicAnswered += 1
        }
    }

    // Timing: the mean over all calls, then per-call percentiles.
    for i in 0..<2_000 { _ = index.match(messages[i % messages.count].text) } // warm up
    var answered = 0
    let start = clock.now
    for i in 0..<matchCount where index.match(messages[i % messages.count].text) != nil { answered += 1 }
    let total = clock.now - start
    var samples: [Duration] = []
    samples.reserveCapacity(20_000)
    for i in 0..<20_000 {
        let t0 = clock.now
        _ = index.match(messages[i % messages.count].text)
        samples.append(clock.now - t0)
    }
    samples.sort()

    // Worst case: 1,000-character messages of long words the FAQ does not have, each
    // looked up in the fuzzy index (the tokenizer reads at most 1,000 characters).
    let longMessages = (0..<200).map { _ in
        (0..<60).map { _ in foreignWords.randomElement(using: &rng)! + foreignWords.randomElement(using: &rng)! }
            .joined(separator: " ").prefix(1_000)
    }.map(String.init)
    let longStart = clock.now
    for i in 0..<2_000 { _ = index.match(longMessages[i % longMessages.count]) }
    let longTotal = clock.now - longStart

    func microseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
    }
    func format(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        return "\(rounded)"
    }
    let questionCount = entries.reduce(0) { $0 + $1.questions.count }
    print("FAQ: \(entryCount) entries, \(questionCount) questions; index built in \(format(microseconds(buildTime) / 1000)) ms")
    print("synthetic messages: \(correct)/\(answerable) reworded questions answered correctly, \(wrong) wrongly; \(offTopicAnswered)/\(messages.count - answerable) off-topic answered")
    print("\(matchCount) matches in \(format(microseconds(total) / 1e6)) s (\(answered) answered)")
    print("per match: mean \(format(microseconds(total) / Double(matchCount))) µs, p50 \(format(microseconds(samples[samples.count / 2]))) µs, p99 \(format(microseconds(samples[samples.count * 99 / 100]))) µs")
    print("worst case, 1,000-character messages of unknown long words: mean \(format(microseconds(longTotal) / 2_000)) µs per match")
}

if CommandLine.arguments.dropFirst().first == "quality" {
    do {
        try runQuality(Array(CommandLine.arguments.dropFirst(2)))
    } catch {
        FileHandle.standardError.write(Data("faq-bench: \(error)\n".utf8))
        exit(1)
    }
} else {
    runBenchmark()
}