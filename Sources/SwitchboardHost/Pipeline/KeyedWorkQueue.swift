import SwitchboardCore
import Foundation
import SwitchboardLog

/// A bounded pool of worker threads that runs jobs in submission order per key and in
/// parallel across keys: the shape of "messages of one conversation are processed in
/// order; different conversations in parallel". A slow job holds one worker and its own
/// key, never the others.
///
/// Jobs live in memory only; the durable state is in the store, and the pipeline reloads
/// pending work from there at start-up.
///
/// Threading: `submit` from any thread. The handler runs on one of the pool's threads,
/// never concurrently for the same key.
final class KeyedWorkQueue<Key: Hashable & Sendable, Job: Sendable>: @unchecked Sendable {
    private let cond = NSCondition()
    private var pending: [Key: [Job]] = [:]
    private var ready: [Key] = []          // keys with work and no job running
    private var readyHead = 0
    private var running: Set<Key> = []
    private var stopping = false
    private var threads: [Thread] = []
    private var alive = 0
    private let handler: @Sendable (Key, Job, @escaping @Sendable () -> Void) -> Void
    private let workers: Int
    private let name: String

    /// A job is finished when `handler` returns.
    convenience init(workers: Int, name: String, handler: @escaping @Sendable (Key, Job) -> Void) {
        self.init(workers: workers, name: name) { key, job, finished in
            handler(key, job)
            finished()
        }
    }

    /// A job is finished when its handler calls `finished` (exactly once, from any
    /// thread, during or after the handler): the key's next job waits for that, while
    /// the worker thread goes on with other keys as soon as the handler returns. For work
    /// whose last step completes elsewhere (a commit on the store's writer thread).
    init(workers: Int, name: String, handler: @escaping @Sendable (Key, Job, _ finished: @escaping @Sendable () -> Void) -> Void) {
        self.workers = max(1, workers)
        self.name = name
        self.handler = handler
    }

    func start() {
        cond.lock()
        defer { cond.unlock() }
        for i in 0..<workers {
            let t = Thread { [self] in setCurrentThreadName("\(name)-\(i)"); self.loop() }
            t.name = "\(name)-\(i)"
            t.stackSize = 1 << 20
            threads.append(t)
            alive += 1
            t.start()
        }
    }

    func submit(_ key: Key, _ job: Job) {
        cond.lock()
        let wasIdle = pending[key] == nil && !running.contains(key)
        pending[key, default: []].append(job)
        if wasIdle { ready.append(key) }
        cond.unlock()
        // Signalled after unlocking: a thread woken under the lock would only wake to
        // wait for it.
        if wasIdle { cond.signal() }
    }

    /// Jobs waiting or running.
    var depth: Int {
        cond.lock(); defer { cond.unlock() }
        return pending.values.reduce(0) { $0 + $1.count } + running.count
    }

    /// Stops taking jobs: running ones finish (until `deadline`), waiting ones are left
    /// (they are durable and picked up again at the next start).
    func stop(deadline: ContinuousClock.Instant) {
        cond.lock()
        stopping = true
        cond.broadcast()
        while alive > 0 && ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            let secs = left.inSeconds
            _ = cond.wait(until: Date(timeIntervalSinceNow: max(0.001, min(secs, 0.1))))
        }
        cond.unlock()
    }

    private func finish(_ key: Key) {
        cond.lock()
        running.remove(key)
        let more = pending[key] != nil
        if more { ready.append(key) }
        cond.unlock()
        if more { cond.signal() }
    }

    private func loop() {
        cond.lock()
        while true {
            while !stopping && readyHead >= ready.count { cond.wait() }
            if stopping { break }
            let key = ready[readyHead]
            readyHead += 1
            if readyHead > 1024 && readyHead * 2 > ready.count {
                ready.removeFirst(readyHead); readyHead = 0
            }
            var queue = pending.removeValue(forKey: key)!
            let job = queue.removeFirst()
            if !queue.isEmpty { pending[key] = queue }
            running.insert(key)
            cond.unlock()
            handler(key, job) { [self] in finish(key) }
            cond.lock()
        }
        alive -= 1
        cond.broadcast()
        cond.unlock()
    }
}
