import Foundation
import Testing
@testable import LLMEngine

/// The answer cache reads its stored value at every use: an entry removed from the store
/// (a contact's erasure) is neither answered from memory nor written back by the next put.
@Suite struct AnswerCacheErasureTests {
    @Test func anEntryRemovedFromTheStoreIsGoneForTheRunningCache() throws {
        let storage = MemoryStorage()
        let now = Date()
        let cache = AnswerCache(storage: storage, ttlSeconds: 3600, knowledgeVersion: "v1")
        cache.put("do you deliver to lekki phase 1", answer: "Yes.", now: now)
        cache.put("what time do you open", answer: "8am.", now: now)
        #expect(cache.get("do you deliver to lekki phase 1", now: now) == "Yes.")
        // The erasure rewrites the stored value without her question.
        let stored = try #require(try storage.get("cache"))
        var object = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])
        var entries = try #require(object["entries"] as? [String: Any])
        entries["do you deliver to lekki phase 1"] = nil
        object["entries"] = entries
        try storage.set("cache", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))

        #expect(cache.get("do you deliver to lekki phase 1", now: now) == nil)
        #expect(cache.get("what time do you open", now: now) == "8am.")
        cache.put("how much is a large cake", answer: "25,000 naira.", now: now)
        let after = try #require(try storage.get("cache"))
        #expect(!after.contains("lekki") && after.contains("what time do you open") && after.contains("large cake"))
    }
}
