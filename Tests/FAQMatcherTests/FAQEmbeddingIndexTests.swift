import Testing
@testable import FAQMatcher

/// The semantic tier's scoring and decision, on vectors whose cosines are known by hand.
@Suite struct FAQEmbeddingIndexTests {
    // Unit vectors in 3 dimensions; cos(a, b) is their dot product.
    static let x: [Float] = [1, 0, 0], y: [Float] = [0, 1, 0], z: [Float] = [0, 0, 1]

    @Test func anEntryScoresTheMeanOfItsTwoClosestQuestions() throws {
        let index = try FAQEmbeddingIndex(entries: [
            (id: "hours", vectors: [Self.x, [0.6, 0.8, 0], Self.z]),   // cosines with x: 1, 0.6, 0
            (id: "cakes", vectors: [[0.8, 0.6, 0]]),                    // a single question: 0.8
        ])
        let ranked = try index.rank(Self.x)
        #expect(ranked.map(\.id) == ["cakes", "hours"])   // a tie of 0.8 is broken by id
        #expect(abs(ranked[0].score - 0.8) < 1e-6)
        #expect(abs(ranked[1].score - 0.8) < 1e-6)   // (1 + 0.6) / 2, not the lucky 1.0
    }

    @Test func vectorsNeedNotBeNormalised() throws {
        let index = try FAQEmbeddingIndex(entries: [(id: "a", vectors: [[3, 4, 0]]), (id: "b", vectors: [[0, 0, 5]])])
        let r = try index.rank([10, 0, 0])
        #expect(r[0].id == "a")
        #expect(abs(r[0].score - 0.6) < 1e-6)
        #expect(abs(r[1].score) < 1e-6)
    }

    @Test func answersOnlyAboveTheThresholdAndClearOfTheNextEntry() throws {
        let index = try FAQEmbeddingIndex(entries: [(id: "a", vectors: [Self.x]), (id: "b", vectors: [[0.6, 0.8, 0]]), (id: "c", vectors: [Self.z])])
        // x: a 1.0, b 0.6 -> margin 0.4
        #expect(try index.decide(Self.x, threshold: 0.9, margin: 0.3) == .answer(id: "a", score: 1, margin: Double(Float(1) - Float(0.6))))
        if case let .abstain(reason, best, _, _) = try index.decide(Self.x, threshold: 0.9, margin: 0.5) {
            #expect(reason == .ambiguous)
            #expect(best == "a")
        } else { Issue.record("a margin of 0.4 must not pass a required 0.5") }
        // Halfway between a and c: 0.707 each, far below 0.9.
        if case let .abstain(reason, _, score, margin) = try index.decide([1, 0, 1], threshold: 0.9, margin: 0.1) {
            #expect(reason == .belowThreshold)
            #expect(abs(score - 0.7071) < 1e-3)
            #expect(abs(margin) < 1e-6)
        } else { Issue.record("a message between two entries must not be answered") }
    }

    /// Per-entry bars: an entry that other entries' questions already reach (its
    /// intrusion) needs a closer message than one alone in its corner, at the same margin.
    @Test func anEntryInACrowdedNeighbourhoodNeedsACloserMessage() throws {
        let index = try FAQEmbeddingIndex(entries: [
            (id: "a", vectors: [Self.x]), (id: "b", vectors: [[0.6, 0.8, 0]]), (id: "c", vectors: [Self.z]),
        ])
        // a gives b's question 0.6 and b gives a's 0.6; c gives nothing of theirs anything.
        #expect(index.intrusion.map { ($0 * 1000).rounded() / 1000 } == [0.6, 0.6, 0])
        // The message is a's own question: 1.0, but a's bar is 0.6 + 0.5.
        if case let .abstain(reason, best, _, _) = try index.decide(Self.x, threshold: 0.5, margin: 0, entryMargin: 0.5) {
            #expect(reason == .belowEntryThreshold)
            #expect(best == "a")
        } else { Issue.record("a crowded entry must not answer under its own bar") }
        // Without entry bars, or with a smaller one, it answers.
        guard case .answer(id: "a", _, _) = try index.decide(Self.x, threshold: 0.5, margin: 0) else { Issue.record("no bar: answer"); return }
        guard case .answer(id: "a", _, _) = try index.decide(Self.x, threshold: 0.5, margin: 0, entryMargin: 0.3) else {
            Issue.record("1.0 clears 0.6 + 0.3"); return
        }
        // c, alone in its corner, answers a less close message at the same entry margin.
        guard case .answer(id: "c", let score, _) = try index.decide([0.3, 0, 1], threshold: 0.5, margin: 0, entryMargin: 0.5) else {
            Issue.record("c's bar is 0 + 0.5"); return
        }
        #expect(score < 1)
    }

    @Test func badVectorsAreRefusedWithAReason() {
        #expect(throws: FAQEmbeddingIndex.Error.self) { try FAQEmbeddingIndex(entries: []) }
        #expect(throws: FAQEmbeddingIndex.Error.self) { try FAQEmbeddingIndex(entries: [(id: "a", vectors: [Self.x, [1, 0]])]) }
        #expect(throws: FAQEmbeddingIndex.Error.self) { try FAQEmbeddingIndex(entries: [(id: "a", vectors: [[0, 0, 0]])]) }
        let index = try? FAQEmbeddingIndex(entries: [(id: "a", vectors: [Self.x])])
        #expect(throws: FAQEmbeddingIndex.Error.self) { try index?.rank([1, 0]) }
        #expect(throws: FAQEmbeddingIndex.Error.self) { try index?.rank([0, 0, 0]) }
        #expect(throws: FAQEmbeddingIndex.Error.self) { try index?.rank([.nan, 0, 0]) }
    }
}
