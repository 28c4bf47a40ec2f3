import Synchronization
import SwitchboardCore

/// `PhoneNumbers.normalize` with a bounded memory of recent answers, for hot paths (every
/// inbound webhook carries a sender's `wa_id`; the same few thousand customers write again
/// and again). A parse costs tens of microseconds; a hit costs a dictionary lookup under a
/// lock. Failures are remembered too, so a flood of the same garbage is cheap.
///
/// Bounded by `capacity` entries with two generations: lookups read the current generation
/// and then the previous one (moving a hit forward); when the current one holds half the
/// capacity it becomes the previous one and the old previous one is dropped. Entries used
/// recently survive, at most `capacity` are kept, and nothing walks a list.
///
/// Safe to share between threads. libphonenumber runs outside the lock, so two threads
/// asking for the same new number may both parse it; they get the same answer.
public final class CachedPhoneNormalizer: Sendable {
    struct Key: Hashable {
        let raw: String
        let region: String?
    }

    struct State {
        var current: [Key: Result<PhoneNumber, PhoneNumberError>] = [:]
        var previous: [Key: Result<PhoneNumber, PhoneNumberError>] = [:]
        var hits = 0
        var misses = 0
    }

    /// The most entries kept.
    public let capacity: Int
    private let state = Mutex(State())

    /// `capacity` is at least 2.
    public init(capacity: Int = 10_000) {
        self.capacity = max(2, capacity)
    }

    /// The same answer as `PhoneNumbers.normalize(raw, region: region)`.
    public func normalize(_ raw: String, region: String?) -> Result<PhoneNumber, PhoneNumberError> {
        let key = Key(raw: raw, region: region)
        let cached: Result<PhoneNumber, PhoneNumberError>? = state.withLock { s in
            if let hit = s.current[key] {
                s.hits += 1
                return hit
            }
            if let hit = s.previous.removeValue(forKey: key) {
                s.hits += 1
                Self.insert(key, hit, into: &s, capacity: capacity)
                return hit
            }
            s.misses += 1
            return nil
        }
        if let cached { return cached }
        let answer = PhoneNumbers.normalize(raw, region: region)
        state.withLock { Self.insert(key, answer, into: &$0, capacity: capacity) }
        return answer
    }

    /// Entries held now (at most `capacity`).
    public var count: Int { state.withLock { $0.current.count + $0.previous.count } }

    /// Lookups answered from memory and lookups that parsed, since creation.
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    private static func insert(_ key: Key, _ value: Result<PhoneNumber, PhoneNumberError>,
                               into s: inout State, capacity: Int) {
        if s.current.count >= capacity / 2 && s.current[key] == nil {
            s.previous = s.current
            s.current = [:]
            s.current.reserveCapacity(capacity / 2)
        }
        s.current[key] = value
        // A concurrent miss for the same key may have left it in `previous` too.
        s.previous.removeValue(forKey: key)
    }
}
