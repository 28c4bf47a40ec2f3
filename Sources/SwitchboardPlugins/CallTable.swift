import Synchronization

/// The `sb_call` handles plugins receive. A handle is not the address of the call's
/// `CallContext` but a slot number and that slot's generation, looked up here on every
/// host function: once `handle` returns, its slot's generation moves on, so a plugin
/// that kept the handle and uses it later, from any thread, is refused with
/// SB_ERR_OUTSIDE_CALL (the header's promise) instead of reaching freed memory. A value
/// the host never handed out is refused the same way.
///
/// Thread-safe. A lookup holds a strong reference to the call, so a host function that
/// raced with the end of its call finishes on a live object (and then finds it closed).
final class CallTable: Sendable {
    static let shared = CallTable()

    private struct Slot {
        /// Starts at 1; moves on each time the slot is released (never 0).
        var generation: UInt32 = 1
        var call: CallContext?
    }

    private struct Slots {
        var slots: [Slot] = []
        var free: [Int] = []
    }

    private let table = Mutex(Slots())

    /// A handle for `call`, valid until `release`.
    func open(_ call: CallContext) -> OpaquePointer {
        table.withLock { t in
            let index: Int
            if let reused = t.free.popLast() {
                index = reused
            } else {
                index = t.slots.count
                t.slots.append(Slot())
            }
            t.slots[index].call = call
            return Self.handle(index: index, generation: t.slots[index].generation)
        }
    }

    /// The live call `handle` names; nil when its call has ended or it was never one.
    func lookup(_ handle: OpaquePointer) -> CallContext? {
        guard let (index, generation) = Self.decode(handle) else { return nil }
        return table.withLock { t in
            guard index < t.slots.count, t.slots[index].generation == generation else { return nil }
            return t.slots[index].call
        }
    }

    /// Ends `handle`: later lookups of it fail, and its slot is reused under a new
    /// generation.
    func release(_ handle: OpaquePointer) {
        guard let (index, generation) = Self.decode(handle) else { preconditionFailure("call table: release of a handle it never gave") }
        table.withLock { t in
            // Released once, by the call that holds it: a second release would free the
            // slot twice and let two calls share it.
            precondition(index < t.slots.count && t.slots[index].generation == generation, "call table: a handle released twice")
            t.slots[index].call = nil
            t.slots[index].generation = t.slots[index].generation == .max ? 1 : t.slots[index].generation + 1
            t.free.append(index)
        }
    }

    /// Calls with a handle now (tests).
    var openCalls: Int { table.withLock { t in t.slots.count - t.free.count } }

    /// Slot index and generation of a handle; nil for one this table cannot have given.
    private static func decode(_ handle: OpaquePointer) -> (index: Int, generation: UInt32)? {
        let bits = UInt(bitPattern: handle)
        let low = UInt32(truncatingIfNeeded: bits)
        guard low > 0 else { return nil }
        return (Int(low - 1), UInt32(truncatingIfNeeded: bits >> 32))
    }

    private static func handle(index: Int, generation: UInt32) -> OpaquePointer {
        // Slot number + 1 in the low half (never 0), the generation in the high half.
        OpaquePointer(bitPattern: UInt(generation) << 32 | UInt(index + 1))!
    }
}
