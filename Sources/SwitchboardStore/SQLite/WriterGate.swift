#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One mutex with two conditions, for the writer's group commit: `available` wakes one
/// thread waiting to use the writer (a release hands the connection to exactly one
/// waiter), `committed` wakes every member of a group at its commit. With a single
/// condition, every hand-over woke every waiting thread (members waiting for their
/// commit included), and the context switches cost more than the writes.
final class WriterGate: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let availableCondition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let committedCondition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(availableCondition, nil)
        pthread_cond_init(committedCondition, nil)
    }

    deinit {
        pthread_cond_destroy(availableCondition)
        pthread_cond_destroy(committedCondition)
        pthread_mutex_destroy(mutex)
        availableCondition.deallocate()
        committedCondition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Waits (the mutex held) until woken by `signalAvailable`.
    func waitAvailable() { pthread_cond_wait(availableCondition, mutex) }
    /// Waits (the mutex held) until woken by `broadcastCommitted`.
    func waitCommitted() { pthread_cond_wait(committedCondition, mutex) }
    func signalAvailable() { pthread_cond_signal(availableCondition) }
    func broadcastCommitted() { pthread_cond_broadcast(committedCondition) }
}
