// faq-bench: how long FAQIndex.match takes on a 1,000-entry FAQ.
//
//   swift run -c release faq-bench [entries] [matches]
//   swift run -c release faq-bench quality clinc150 [dev|test]   (answer quality, see QualityBench.swift)
//   swift run -c release faq-bench --memory [indexes]
//
// The FAQ is synthetic and the same on every run (a seeded generator): made-up words
// with a skewed frequency, three questions and one answer per entry. The messages are
// the FAQ's questions reworded the way customers do (shuffled, a word dropped, a typo,
// chat filler added) plus off-topic messages made of words the FAQ does not have.
// The mean covers every call; percentiles come from a second pass timing each call.
import FAQMatcher
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

/// `--memory N`: what one workspace's index costs. Builds N indexes of a 20-entry FAQ
/// (the shape bench/workspaces.sh gives each workspace: the same questions, answers
/// with the workspace's name, prices and products) and reports the resident memory
/// and the build time per index.
func runMemoryBenchmark(count: Int) {
    let products = ["agege bread", "meat pie", "chin chin", "puff puff", "doughnuts", "croissants",
                    "sourdough", "coconut bread", "banana bread", "cupcakes", "cookies", "sausage rolls"]
    func faq(_ k: Int) -> [FAQEntry] {
        let p1 = products[k % 12], p2 = products[(k / 12) % 12], p3 = products[(k / 144) % 12]
        let rows: [(String, [String], String)] = [
            ("hours", ["What are your opening hours?", "When are you open?", "Are you open on Sunday?"],
             "Shop \(k) is open \(6 + k % 4)am to \(17 + k % 5)pm, Monday to Saturday. Closed on Sundays."),
            ("location", ["Where are you located?", "What is your address?", "How do I find you?"],
             "We are at \(k % 97 + 1) Adeola Odeku Street, Victoria Island, Lagos."),
            ("delivery", ["Do you deliver?", "How much is delivery?", "Can you deliver to Lekki?"],
             "Yes, we deliver across Lagos Island and Lekki for \(500 + (k % 13) * 100) naira."),
            ("cakes", ["Do you make birthday cakes?", "Can I order a custom cake?", "Wedding cake prices"],
             "Custom cakes from \(15000 + (k % 29) * 1000) naira; order three days ahead."),
            ("payment", ["How can I pay?", "Do you accept transfer?", "Can I pay by card?"], "Cash, card and bank transfer."),
            ("bread", ["Do you have bread today?", "What bread do you sell?", "Is there \(p1) today?"],
             "We bake \(p1), \(p2) and \(p3) fresh every morning."),
            ("parking", ["Is there parking?", "Where can I park?"], "Free parking behind the shop."),
            ("wifi", ["Do you have wifi?", "What is the wifi password?"], "Yes, ask the cashier for the password."),
            ("jobs", ["Are you hiring?", "Any job openings?"], "Send your CV to jobs@shop\(k).example."),
            ("refunds", ["Can I get a refund?", "What is your return policy?"], "Refunds within 24 hours with the receipt."),
            ("allergies", ["Do you have gluten free bread?", "Is there nut in the \(p2)?"],
             "Ask us about allergens; we label nuts and gluten."),
            ("vegan", ["Do you have vegan options?", "Is the \(p3) vegan?"], "Our \(p3) is vegan; more options on request."),
            ("catering", ["Do you cater for events?", "Can you cater a party of 50?"],
             "We cater events from 20 guests; call us for a quote."),
            ("preorder", ["Can I order in advance?", "Can I pre order for tomorrow?"], "Order ahead by 6pm for pickup the next day."),
            ("pickup", ["Can I pick up my order?", "When can I collect?"], "Pickup from \(6 + k % 4)am at the counter."),
            ("price-list", ["How much is the \(p1)?", "Do you have a price list?"],
             "The \(p1) is \(200 + k % 7 * 50) naira; the full list is on our menu."),
            ("wholesale", ["Do you sell wholesale?", "Discount for bulk orders?"], "10 percent off orders over 50 pieces."),
            ("contact", ["What is your phone number?", "How can I call you?"], "Call 0803 555 \(1000 + k % 9000)."),
            ("seating", ["Can I eat inside?", "Do you have seats?"], "Yes, 12 seats inside."),
            ("gift", ["Do you sell gift cards?", "Can I buy a voucher?"], "Gift cards from 5,000 naira at the counter."),
        ]
        return rows.map { FAQEntry(id: $0.0, questions: $0.1, answer: $0.2) }
    }
    func residentKB() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, 128, f) != nil else { return 0 }
        let fields = String(cString: line).split(separator: " ")
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
    let sources = (0..<count).map(faq)
    _ = FAQIndex(entries: sources[0]) // the shared tables, built once per process
    let rss0 = residentKB()
    let clock = ContinuousClock()
    let start = clock.now
    var indexes: [FAQIndex] = []
    indexes.reserveCapacity(count)
    for entries in sources { indexes.append(FAQIndex(entries: entries)) }
    let elapsed = clock.now - start
    let rss1 = residentKB()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let answered = indexes[count / 2].match("wen r u open") != nil
    print("\(count) indexes of a 20-entry FAQ: resident \((rss1 - rss0) * 1024 / count) bytes per index (the FAQ's own strings not counted); built in \(Int(seconds * 1e6) / count) µs per index (answered a question: \(answered))")
    let report = indexes[count / 2].storageReport
    print("tables of one index (heap bytes, estimated; shared words not counted): "
          + report.map { "\($0.table) \($0.bytes)" }.joined(separator: ", ")
          + "; total \(report.reduce(0) { $0 + $1.bytes })")
}

if CommandLine.arguments.dropFirst().first == "quality" {
    do {
        try runQuality(Array(CommandLine.arguments.dropFirst(2)))
    } catch {
        FileHandle.standardError.write(Data("faq-bench: \(error)\n".utf8))
        exit(1)
    }
} else if CommandLine.arguments.dropFirst().first == "--memory" {
    runMemoryBenchmark(count: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1_000)
} else {
    runBenchmark()
}
