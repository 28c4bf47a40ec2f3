import Testing
import SwitchboardCore
import SwitchboardPhone

@Suite struct CachedPhoneNormalizerTests {
    @Test func answersLikeTheParserAndRemembers() {
        let cache = CachedPhoneNormalizer(capacity: 100)
        let inputs: [(String, String?)] = [("2348031234567", nil), ("0803 123 4567", "NG"), ("0803 123", "NG"),
                                           ("0803 123 4567", nil), ("hello", nil), ("0803 123 4567", "XX")]
        for (raw, region) in inputs {
            #expect(cache.normalize(raw, region: region) == PhoneNumbers.normalize(raw, region: region))
        }
        #expect(cache.statistics.hits == 0)
        #expect(cache.statistics.misses == inputs.count)
        for (raw, region) in inputs {
            #expect(cache.normalize(raw, region: region) == PhoneNumbers.normalize(raw, region: region))
        }
        #expect(cache.statistics.hits == inputs.count)
        #expect(cache.count == inputs.count)
        // The same text with another region is another question.
        #expect(rendered(cache.normalize("0803 123 4567", region: "NG")) == "+2348031234567")
        #expect(rendered(cache.normalize("0803 123 4567", region: nil)) == "invalid: no region given and number has no +")
    }

    @Test func staysWithinItsCapacityAndKeepsWhatIsUsed() {
        let cache = CachedPhoneNormalizer(capacity: 50)
        // One hot number, asked between 500 different ones.
        for i in 0..<500 {
            #expect(rendered(cache.normalize("2348031234567", region: nil)) == "+2348031234567")
            let wa = "2348031\(String(1_000_000 + i).dropFirst())"
            #expect(rendered(cache.normalize(wa, region: nil)) == "+" + wa)
            #expect(cache.count <= 50)
        }
        #expect(cache.count <= 50)
        // The hot number was parsed once, then always found again.
        let s = cache.statistics
        #expect(s.misses == 501)
        #expect(s.hits == 499)
    }

    @Test func sharedBetweenTasks() async {
        let cache = CachedPhoneNormalizer(capacity: 64)
        let cases = PhoneCase.all
        await withTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mismatches: [String] = []
                    for round in 0..<3 {
                        for (i, c) in cases.enumerated() where (i + worker + round) % 2 == 0 {
                            let got = rendered(cache.normalize(c.input, region: c.region))
                            if got != c.expected { mismatches.append("\(c.testDescription): got \(got)") }
                        }
                    }
                    return mismatches
                }
            }
            for await mismatches in group { #expect(mismatches == []) }
        }
        #expect(cache.count <= 64)
    }
}

/// libphonenumber from many threads at once: the shim's thread-safety claim.
@Suite struct PhoneNumberConcurrencyTests {
    @Test func parsingConcurrentlyGivesTheSameAnswers() async {
        let cases = PhoneCase.all
        await withTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mismatches: [String] = []
                    for c in (worker % 2 == 0 ? cases : cases.reversed()) {
                        let got = rendered(PhoneNumbers.normalize(c.input, region: c.region))
                        if got != c.expected { mismatches.append("\(c.testDescription): got \(got)") }
                    }
                    return mismatches
                }
            }
            for await mismatches in group { #expect(mismatches == []) }
        }
    }
}
