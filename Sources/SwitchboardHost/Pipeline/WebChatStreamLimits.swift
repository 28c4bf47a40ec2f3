import Synchronization
import SwitchboardConfig

/// How many web chat streams are open, per visitor, per client address and in total,
/// and whether one more may open. The web chat is public: without these, anyone could
/// hold every connection of the host with streams they never read.
///
/// `admit` counts a stream in; the `Ticket` it returns counts it out, once, when the
/// stream closes (the client went, its lifetime ended, it was cut off, the server stops).
final class WebChatStreamLimits: Sendable {
    enum Refusal: String, Sendable {
        /// Too many streams for this visitor of this workspace (429).
        case visitor
        /// Too many streams from this client address (429).
        case address
        /// Too many streams in the host (503).
        case total
    }

    private struct Counts {
        var total = 0
        var byAddress: [String: Int] = [:]
        var byVisitor: [String: Int] = [:]
    }

    let limits: HostConfig.WebChat
    private let counts = Mutex(Counts())

    init(_ limits: HostConfig.WebChat) { self.limits = limits }

    /// Streams open now.
    var open: Int { counts.withLock { $0.total } }

    /// Counts a stream of `visitor` (a key unique across workspaces) from `address` in,
    /// or says which limit refuses it.
    func admit(visitor: String, address: String) -> Result<Ticket, RefusalError> {
        counts.withLock { c in
            if c.total >= limits.maxStreams { return .failure(RefusalError(.total)) }
            if c.byAddress[address, default: 0] >= limits.maxStreamsPerAddress { return .failure(RefusalError(.address)) }
            if c.byVisitor[visitor, default: 0] >= limits.maxStreamsPerVisitor { return .failure(RefusalError(.visitor)) }
            c.total += 1
            c.byAddress[address, default: 0] += 1
            c.byVisitor[visitor, default: 0] += 1
            return .success(Ticket(self, visitor: visitor, address: address))
        }
    }

    private func release(visitor: String, address: String) {
        counts.withLock { c in
            c.total -= 1
            Self.decrement(&c.byAddress, address)
            Self.decrement(&c.byVisitor, visitor)
        }
    }

    private static func decrement(_ table: inout [String: Int], _ key: String) {
        guard let n = table[key] else { return }
        if n <= 1 { table[key] = nil } else { table[key] = n - 1 }
    }

    struct RefusalError: Error {
        let refusal: Refusal
        init(_ r: Refusal) { refusal = r }
    }

    /// One admitted stream; `release()` counts it out (again is a no-op).
    final class Ticket: Sendable {
        private let owner: WebChatStreamLimits
        private let visitor: String
        private let address: String
        private let released = Atomic<Bool>(false)

        fileprivate init(_ owner: WebChatStreamLimits, visitor: String, address: String) {
            self.owner = owner
            self.visitor = visitor
            self.address = address
        }

        func release() {
            guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
            owner.release(visitor: visitor, address: address)
        }
    }
}
