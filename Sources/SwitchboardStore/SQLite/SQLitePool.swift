import SwitchboardCore
import Foundation
import SwitchboardLog
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The connections of one database file: one writer behind a lock, and a few readers.
///
/// WAL mode lets readers run beside the writer without blocking it; SQLite allows one
/// writer at a time anyway, so serialising writes in-process costs nothing and means
/// threads of this process never see `SQLITE_BUSY` from each other. Other processes on
/// the same file (`switchboard events --follow`, a second host) are handled by the busy
/// timeout and `BEGIN IMMEDIATE`.
///
/// A body runs on the writer thread with the writer connection; a store transaction's
/// repositories use that connection through the transaction's handle
/// (`SQLiteTransactionContext`), not through the pool. A `write` or `read` on the pool
/// from the thread running a body (the writer thread, while `writerOwner` names it) is a
/// programming error: a write would wait for the writer this very thread holds, for
/// ever, and a read would not see the transaction's writes; both fail at once with
/// `misuse` instead.
final class SQLitePool: @unchecked Sendable {
    let path: String
    let options: StoreOptions

    private let writer: SQLiteConnection
    /// Exclusive use of the writer connection: the writer thread's groups, migrations,
    /// and close take it in turn.
    private let writerCondition = NSCondition()
    /// A thread is using the writer connection.
    private var writerBusy = false
    /// The thread running a group's bodies (the writer thread while it does), as
    /// `pthread_self()`, or 0: for the misuse check of `write` and `read`, and `close`.
    private let writerOwner = Atomic<UInt>(0)
    /// Set by `close()` called inside a write on the writer's own thread.
    private var closeWriterAfterTransaction = false
    /// Runs on the writer connection after a group's bodies and before its COMMIT, in
    /// the same transaction (the store's full-text indexing of new messages). Set once,
    /// before the first write. If it throws, the group rolls back and every member gets
    /// the error. It returns how long until work it put off is due (nil: nothing put
    /// off); the writer, once idle, runs a group of its own that long after, so work put
    /// off at the end of a burst is done without waiting for the next write.
    var beforeCommit: ((SQLiteConnection) throws(StoreError) -> Duration?)?
    /// When the writer runs a group without writes for what `beforeCommit` put off
    /// (writer thread only).
    private var catchUpAt: ContinuousClock.Instant?
    /// Group commits so far, and the writes (callers' bodies) they carried.
    let commits = Atomic<Int>(0)
    let committedWrites = Atomic<Int>(0)
    /// Most writes one commit may carry.
    static let maxGroupMembers = 64
    /// The shortest time between the starts of two commits. Shorter means fewer writes
    /// per commit at moderate load (more fsyncs), longer means every queued write (and
    /// the webhook acknowledgement behind it) waits longer. Measured with bench/loadgen:
    /// 1 ms gave 0.89 commits a message at 1,000 msg/s, p50 3.1 ms; 0.5 ms gives 1.68,
    /// p50 1.9 ms, p99 6.4 instead of 8.3 ms, and 4-7 % more at saturation.
    static let commitInterval: Duration = .microseconds(500)

    private let readersCondition = NSCondition()
    private var idleReaders: [SQLiteConnection] = []
    private var openReaders = 0
    private var closed = false

    init(path: String, options: StoreOptions) throws(StoreError) {
        self.path = path
        self.options = options
        try Self.checkLocation(path)
        writer = try SQLiteConnection(path: path, readOnly: false, options: options)
    }

    /// Checks what SQLite would report vaguely (`unable to open database file`) and says
    /// which part is wrong: a missing or unwritable directory, an unwritable file.
    static func checkLocation(_ path: String) throws(StoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
            throw StoreError(.cannotOpen, "directory \(dir) does not exist", path: path)
        }
        guard isDirectory.boolValue else {
            throw StoreError(.cannotOpen, "\(dir) is not a directory", path: path)
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw StoreError(.cannotOpen, "is a directory, not a database file", path: path)
            }
            guard access(path, R_OK) == 0 else {
                throw StoreError(.cannotOpen, "file is not readable: \(String(cString: strerror(errno)))", path: path)
            }
            guard access(path, W_OK) == 0 else {
                throw StoreError(.readOnly, "database file is read-only: \(String(cString: strerror(errno)))", path: path)
            }
        }
        // WAL mode creates -wal and -shm files beside the database.
        guard access(dir, W_OK) == 0 else {
            throw StoreError(.readOnly, "directory \(dir) is not writable: \(String(cString: strerror(errno)))", path: path)
        }
    }

    private static var currentThread: UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// Runs `body` in a write transaction on the writer connection and returns once it is
    /// committed. Called from inside a body (see the type's comment): fails with `misuse`.
    ///
    /// Group commit through one writer thread: callers queue their bodies and wait; the
    /// writer thread takes everything queued (up to `maxGroupMembers`, starting a commit
    /// at most once per `commitInterval`), runs each body in
    /// its own savepoint inside one transaction, commits once and wakes the callers. One
    /// that throws undoes only its own writes; every caller returns only after the shared
    /// COMMIT (and gets its error if that fails). The body runs on the writer thread, and
    /// the caller is blocked meanwhile, so the body may use the caller's variables.
    @discardableResult
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try refuseInsideTransaction()
        return try withoutActuallyEscaping(body) { body in
            let box = ResultBox<T>()
            let unit = WriteUnit { [unowned self] in box.result = Result { try unitSavepoint { try body(writer) } } }
            try enqueue(unit)
            unit.done.wait()
            if let failure = unit.commitFailure { throw failure }
            return try box.result!.get()
        }
    }

    /// A store call on the pool from the thread running a transaction's body: it would
    /// wait for the writer this thread holds (see the type's comment).
    private func refuseInsideTransaction() throws(StoreError) {
        if writerOwner.load(ordering: .acquiring) == Self.currentThread {
            throw StoreError(
                .misuse,
                "a store call inside a transaction was not made through the transaction: use the transaction's handle (the body's tx, or the workspace store it gives), not the store",
                path: path)
        }
    }

    /// Runs one caller's body in its own savepoint of the group's transaction: undone
    /// alone if it throws.
    private func unitSavepoint<T>(_ body: () throws -> T) throws -> T {
        try writer.savepoint(body)
    }

    /// Queues `body` for the writer thread like `write`, but returns at once: the body
    /// runs in its own savepoint inside the writer's next group, and `completion` is
    /// called on the completion thread once that group is committed (nil) or failed (the
    /// body's error, or the commit's). The writer thread takes units in the order they
    /// were queued, so a later `write` or `writeAsync` from any thread sees this one's
    /// writes. `completion` must be quick and must not wait for the store.
    ///
    /// `timing` `.joinNext(within:)`: the unit does not start a commit of its own until
    /// `within` has passed; a prompt write queued meanwhile (or a full group) takes it
    /// along in its commit. Units stay in the order they were queued either way.
    ///
    /// `ran`: called on the writer thread once the body has run without error, before
    /// the commit, with the holds it may take on that commit (`CommitHolding`).
    func writeAsync(_ body: @escaping @Sendable (SQLiteConnection) throws -> Void,
                    timing: CommitTiming = .prompt,
                    ran: (@Sendable (CommitHolds) -> Void)? = nil,
                    completion: @escaping @Sendable ((any Error)?) -> Void) {
        do {
            try refuseInsideTransaction()
        } catch {
            return completion(error)
        }
        let writer = self.writer
        let unit = WriteUnit(nil)
        if case .joinNext(let within) = timing { unit.due = ContinuousClock.now + within }
        unit.run = { [unowned self, unowned unit] in
            do { try unitSavepoint { try body(writer) } } catch { unit.bodyFailure = error }
        }
        unit.completion = completion
        unit.ran = ran
        do {
            try enqueue(unit)
        } catch {
            completion(error)
        }
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// One caller's body, queued for the writer thread.
    private final class WriteUnit: @unchecked Sendable {
        /// The caller's body; dropped (on the writer thread) before `done` is signalled,
        /// since the caller's non-escaping closure must not outlive its call.
        var run: (() -> Void)?
        let done = DispatchSemaphore(value: 0)
        var commitFailure: StoreError?
        /// Set for `writeAsync` units: called after the group instead of `done`.
        var completion: (@Sendable ((any Error)?) -> Void)?
        var bodyFailure: (any Error)?
        /// When a unit that may join another's commit starts one itself
        /// (`CommitTiming.joinNext`); nil: as soon as the commit interval allows.
        var due: ContinuousClock.Instant?
        /// Called once the body ran without error, before the commit (`writeAsync`).
        var ran: (@Sendable (CommitHolds) -> Void)?
        init(_ run: (() -> Void)?) { self.run = run }
    }

    private let queueCondition = NSCondition()
    private var queuedUnits: [WriteUnit] = []
    private var writerThreadStarted = false
    private var writerThreadStopping = false
    private var writerThreadRunning = false
    /// The writer is waiting for the commit interval to pass (see `writerLoop`).
    private var writerGathering = false
    /// Queued units that want a commit as soon as the interval allows (`due` nil).
    private var promptQueued = 0
    /// The earliest `due` of the queued units that may wait (nil: none queued).
    private var earliestDue: ContinuousClock.Instant?
    /// The writer waits for work, until `writerIdleUntil` (nil: until woken).
    private var writerIdle = false
    private var writerIdleUntil: ContinuousClock.Instant?
    /// Holds on the commit of the group the writer is running (`CommitHolding`): how
    /// many are open, and which group they belong to (a hold released after its group
    /// committed without it counts for nothing).
    private var holdsOpen = 0
    /// Holds taken on the group the writer is running, released or not: the writer takes
    /// what was queued meanwhile even when every hold was let go before it looked.
    private var holdsTaken = 0
    private var holdGeneration = 0
    /// The writer waits for holds on its group to be released, or for writes to join it.
    private var writerHolding = false

    private func enqueue(_ unit: WriteUnit) throws(StoreError) {
        queueCondition.lock()
        guard !writerThreadStopping else {
            queueCondition.unlock()
            throw StoreError(.misuse, "store is closed", path: path)
        }
        queuedUnits.append(unit)
        if let due = unit.due {
            earliestDue = min(earliestDue ?? due, due)
        } else {
            promptQueued += 1
        }
        if !writerThreadStarted {
            writerThreadStarted = true
            writerThreadRunning = true
            let t = Thread { [self] in setCurrentThreadName("sqlite-writer"); writerLoop() }
            t.name = "sqlite-writer"
            t.start()
        }
        // Wake the writer when it waits for a first write, or when the group it is
        // gathering is full (not for every write it gathers); for a unit that may wait,
        // only when the writer would sleep past its due time. After unlocking: a thread
        // woken while the lock is still held wakes only to wait for the lock (one more
        // sleep and wake-up, measured as lock waits in perf).
        var wake = queuedUnits.count >= Self.maxGroupMembers || writerHolding
        if let due = unit.due {
            wake = wake || (writerIdle && writerIdleUntil.map { due < $0 } ?? true)
        } else {
            wake = wake || !writerGathering
        }
        queueCondition.unlock()
        if wake { queueCondition.signal() }
    }

    /// Whether the writer has a group to start: a prompt unit, a full group, or a unit
    /// past its due time (queue lock held).
    private func groupReady(_ now: ContinuousClock.Instant) -> Bool {
        promptQueued > 0 || queuedUnits.count >= Self.maxGroupMembers || earliestDue.map { $0 <= now } ?? false
    }

    /// Takes the next group off the queue, `limit` units at most (queue lock held).
    private func takeGroup(limit: Int = SQLitePool.maxGroupMembers) -> [WriteUnit] {
        let batch = Array(queuedUnits.prefix(limit))
        queuedUnits.removeFirst(batch.count)
        promptQueued = 0
        earliestDue = nil
        for unit in queuedUnits {
            if let due = unit.due { earliestDue = min(earliestDue ?? due, due) } else { promptQueued += 1 }
        }
        return batch
    }

    private func writerLoop() {
        var lastCommit = ContinuousClock.now - Self.commitInterval
        while true {
            queueCondition.lock()
            var catchUp = false
            // Sleep until a group is ready, or the work `beforeCommit` put off is due
            // (a group without writes), or the store closes.
            while !writerThreadStopping {
                let now = ContinuousClock.now
                if groupReady(now) { break }
                if let at = catchUpAt, now >= at { catchUp = queuedUnits.isEmpty; break }
                let until = [earliestDue, catchUpAt].compactMap { $0 }.min()
                writerIdle = true
                writerIdleUntil = until
                if let until {
                    _ = queueCondition.wait(until: Date(timeIntervalSinceNow: (until - now).inSeconds))
                } else {
                    queueCondition.wait()
                }
                writerIdle = false
                writerIdleUntil = nil
            }
            // Commits start at most once per `commitInterval`: writes arriving meanwhile
            // join the next one. A commit costs its fsync and every page it touches
            // (shared table and index pages are written once per commit), so at a
            // steady 1,000 messages/s, committing each write at once cost ~3 commits
            // per message. Idle, a write commits at once; a full group does not wait.
            let next = lastCommit + Self.commitInterval
            if !catchUp && queuedUnits.count < Self.maxGroupMembers && !writerThreadStopping && ContinuousClock.now < next {
                let wait = next - ContinuousClock.now
                writerGathering = true
                _ = queueCondition.wait(until: Date(timeIntervalSinceNow: wait.inSeconds))
                writerGathering = false
            }
            if queuedUnits.isEmpty && !catchUp {
                writerThreadRunning = false
                queueCondition.broadcast()
                queueCondition.unlock()
                return
            }
            let taken = takeGroup()
            queueCondition.unlock()
            lastCommit = ContinuousClock.now
            let batch = runGroup(taken)
            for unit in batch { unit.run = nil }
            var completions: [Completion] = []
            for unit in batch {
                if let completion = unit.completion {
                    unit.completion = nil
                    completions.append(Completion(run: completion, error: unit.commitFailure ?? unit.bodyFailure))
                } else {
                    unit.done.signal()
                }
            }
            deliver(completions)
        }
    }

    // MARK: - Completions of queued writes

    /// A `writeAsync` caller's completion and its outcome.
    private struct Completion {
        let run: @Sendable ((any Error)?) -> Void
        let error: (any Error)?
    }

    private let completionCondition = NSCondition()
    private var pendingCompletions: [Completion] = []
    private var completionThreadRunning = false
    private var completionsStopping = false

    /// Hands a group's completions to the completion thread (started on first use), which
    /// runs them in commit order: what callers do once their writes are committed (log
    /// their journal lines, wake the next stage) stays off the writer thread, which every
    /// commit waits for.
    private func deliver(_ completions: [Completion]) {
        guard !completions.isEmpty else { return }
        completionCondition.lock()
        pendingCompletions.append(contentsOf: completions)
        if !completionThreadRunning {
            completionThreadRunning = true
            let t = Thread { [self] in setCurrentThreadName("sqlite-completed"); completionLoop() }
            t.start()
        }
        completionCondition.unlock()
        completionCondition.signal() // after unlocking (see `enqueue`)
    }

    private func completionLoop() {
        completionCondition.lock()
        while true {
            while pendingCompletions.isEmpty && !completionsStopping { completionCondition.wait() }
            if pendingCompletions.isEmpty { break }
            let now = pendingCompletions
            pendingCompletions.removeAll(keepingCapacity: true)
            completionCondition.unlock()
            // Completions write the journal's log lines of their commits: gathered and
            // written a few KiB at a time, not one write(2) per line.
            LogBatch.collect { for c in now { c.run(c.error) } }
            completionCondition.lock()
        }
        completionThreadRunning = false
        completionCondition.broadcast()
        completionCondition.unlock()
    }

    /// Runs what is pending and stops the completion thread.
    private func stopCompletions() {
        completionCondition.lock()
        completionsStopping = true
        completionCondition.broadcast()
        while completionThreadRunning { completionCondition.wait() }
        completionCondition.unlock()
    }

    /// Runs `body` with exclusive use of the writer connection (the writer thread's
    /// groups, migrations and `close` take it in turn).
    private func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        writerCondition.lock()
        while writerBusy { writerCondition.wait() }
        writerBusy = true
        writerCondition.unlock()
        defer {
            writerCondition.lock()
            writerBusy = false
            writerCondition.signal()
            writerCondition.unlock()
        }
        return try body()
    }

    /// Runs a batch of bodies in one transaction with exclusive use of the writer; returns
    /// every unit the transaction carried (those that joined while it was held too).
    private func runGroup(_ batch: [WriteUnit]) -> [WriteUnit] {
        exclusively { runGroupExclusively(batch) }
    }

    private func runGroupExclusively(_ taken: [WriteUnit]) -> [WriteUnit] {
        var batch = taken
        func failAll(_ error: StoreError) { for unit in batch { unit.commitFailure = error } }
        guard writer.isOpen else {
            failAll(StoreError(.misuse, "store is closed", path: path))
            return batch
        }
        do {
            try writer.control("BEGIN IMMEDIATE")
        } catch {
            failAll(error)
            return batch
        }
        writerOwner.store(Self.currentThread, ordering: .releasing)
        let generation = holdGeneration
        let holds = CommitHolds { [unowned self] in takeHold(generation) }
        func run(_ unit: WriteUnit) {
            unit.run?()
            if let ran = unit.ran, unit.bodyFailure == nil { ran(holds) }
            unit.ran = nil
        }
        for unit in batch { run(unit) }
        // Held: writes queued meanwhile (the answers the holds wait for) join this
        // transaction, until every hold is released or the limit has passed.
        queueCondition.lock()
        if holdsTaken > 0 {
            let deadline = ContinuousClock.now + options.commitHoldLimit
            while batch.count < Self.maxGroupMembers {
                if !queuedUnits.isEmpty {
                    let more = takeGroup(limit: Self.maxGroupMembers - batch.count)
                    queueCondition.unlock()
                    for unit in more { run(unit) }
                    batch += more
                    queueCondition.lock()
                    continue
                }
                let now = ContinuousClock.now
                if holdsOpen == 0 || now >= deadline || writerThreadStopping { break }
                writerHolding = true
                _ = queueCondition.wait(until: Date(timeIntervalSinceNow: (deadline - now).inSeconds))
                writerHolding = false
            }
        }
        holdsOpen = 0
        holdsTaken = 0
        holdGeneration &+= 1
        queueCondition.unlock()
        writerOwner.store(0, ordering: .releasing)
        do {
            let putOff = try beforeCommit?(writer)
            try writer.control("COMMIT")
            catchUpAt = putOff.map { ContinuousClock.now + $0 }
            commits.add(1, ordering: .relaxed)
            committedWrites.add(batch.count, ordering: .relaxed)
        } catch {
            try? writer.control("ROLLBACK")
            failAll(error)
        }
        if closeWriterAfterTransaction {
            writer.close()
            queueCondition.lock()
            writerThreadStopping = true
            queueCondition.unlock()
        }
        return batch
    }

    /// A hold on the commit of group `generation` (the writer thread, in a unit's `ran`).
    private func takeHold(_ generation: Int) -> CommitHold {
        queueCondition.lock()
        if generation == holdGeneration {
            holdsOpen += 1
            holdsTaken += 1
        }
        queueCondition.unlock()
        return CommitHold { [weak self] in self?.releaseHold(generation) }
    }

    private func releaseHold(_ generation: Int) {
        queueCondition.lock()
        var wake = false
        if generation == holdGeneration && holdsOpen > 0 {
            holdsOpen -= 1
            wake = holdsOpen == 0 && writerHolding
        }
        queueCondition.unlock()
        if wake { queueCondition.signal() }
    }

    /// Runs `body` on the writer connection with exclusive use of it but outside any
    /// transaction (migrations, which manage their own transactions).
    func withWriter<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try exclusively {
            guard writer.isOpen else { throw StoreError(.misuse, "store is closed", path: path) }
            return try body(writer)
        }
    }

    /// Runs `body` on a reader in a read transaction (one consistent snapshot). Called
    /// from inside a body: fails with `misuse` (see the type's comment).
    @discardableResult
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try refuseInsideTransaction()
        let reader = try checkOutReader()
        defer { checkIn(reader) }
        return try reader.transaction(immediate: false) { try body(reader) }
    }

    private func checkOutReader() throws(StoreError) -> SQLiteConnection {
        readersCondition.lock()
        defer { readersCondition.unlock() }
        while true {
            if closed { throw StoreError(.misuse, "store is closed", path: path) }
            if let reader = idleReaders.popLast() { return reader }
            if openReaders < max(1, options.maxReaders) {
                openReaders += 1
                do {
                    return try SQLiteConnection(path: path, readOnly: true, options: options)
                } catch {
                    openReaders -= 1
                    throw error
                }
            }
            readersCondition.wait()
        }
    }

    private func checkIn(_ reader: SQLiteConnection) {
        readersCondition.lock()
        defer { readersCondition.unlock() }
        if closed {
            reader.close()
            openReaders -= 1
        } else {
            idleReaders.append(reader)
        }
        readersCondition.signal()
    }

    /// Closes every connection; calls made afterwards fail with `misuse`. Waits for a
    /// write in progress on another thread to finish; called inside a write on this
    /// thread, the writer closes once that transaction ends.
    func close() {
        if writerOwner.load(ordering: .acquiring) != Self.currentThread {
            // Let queued writes finish, then stop the writer thread.
            queueCondition.lock()
            writerThreadStopping = true
            queueCondition.broadcast()
            while writerThreadRunning { queueCondition.wait() }
            queueCondition.unlock()
            stopCompletions()
        }
        readersCondition.lock()
        closed = true
        for reader in idleReaders { reader.close() }
        openReaders -= idleReaders.count
        idleReaders.removeAll()
        readersCondition.broadcast()
        readersCondition.unlock()
        if writerOwner.load(ordering: .acquiring) == Self.currentThread {
            closeWriterAfterTransaction = true
            // The completion thread ends once it has run what is pending (this group's
            // completions included: they are delivered after the group ends).
            completionCondition.lock()
            completionsStopping = true
            completionCondition.broadcast()
            completionCondition.unlock()
            return
        }
        exclusively { writer.close() }
    }
}
