import Foundation

/// A function set once the parts it calls exist (a part built later, such as the host's
/// media pool or the ingest a settler hands receipts back to) and called from any thread.
///
/// The function is kept in a stored property and read under a lock, never passed through
/// a generic `inout` (`Mutex<(@Sendable (A) -> Void)?>.withLock { $0 }`): Swift
/// reabstracts a closure read that way and writes the wrapper back, so every call added
/// two thunks around the stored function. Called once per sent reply, that made each call
/// slower than the last and overflowed the completion thread's stack after about 150,000
/// replies (HookTests; bench/README "A function that grew with every reply").
final class Hook<Argument>: @unchecked Sendable {
    private let lock = NSLock()
    private var body: (@Sendable (Argument) -> Void)?

    init() {}

    func set(_ body: @escaping @Sendable (Argument) -> Void) {
        lock.withLock { self.body = body }
    }

    /// Calls the function if one is set.
    func call(_ argument: Argument) {
        lock.lock()
        let body = self.body
        lock.unlock()
        body?(argument)
    }
}
