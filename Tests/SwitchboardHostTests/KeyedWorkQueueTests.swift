import Foundation
import Synchronization
import Testing
@testable import SwitchboardHost

@Suite struct KeyedWorkQueueTests {
    @Test func jobsOfOneKeyRunInOrderAndNeverConcurrently() {
        let log = Mutex<[String: [Int]]>([:])
        let inFlight = Mutex<Set<String>>([])
        let overlaps = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        let q = KeyedWorkQueue<String, Int>(workers: 4, name: "t") { key, n in
            let clash = inFlight.withLock { s in !s.insert(key).inserted }
            if clash { overlaps.add(1, ordering: .relaxed) }
            usleep(200)
            inFlight.withLock { _ = $0.remove(key) }
            log.withLock { $0[key, default: []].append(n) }
            done.signal()
        }
        q.start()
        let keys = ["a", "b", "c", "d", "e"]
        for n in 0..<40 { for k in keys { q.submit(k, n) } }
        for _ in 0..<(40 * keys.count) { done.wait() }
        q.stop(deadline: .now + .seconds(2))
        #expect(overlaps.load(ordering: .relaxed) == 0)
        for k in keys { #expect(log.withLock { $0[k] } == Array(0..<40)) }
    }

    @Test func aSlowKeyDoesNotDelayOthers() {
        let fastDone = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let q = KeyedWorkQueue<String, Int>(workers: 2, name: "t") { key, _ in
            if key == "slow" { release.wait() } else { fastDone.signal() }
        }
        q.start()
        q.submit("slow", 1)
        q.submit("slow", 2)
        for i in 0..<10 { q.submit("fast", i) }
        var finished = 0
        for _ in 0..<10 where fastDone.wait(timeout: .now() + 5) == .success { finished += 1 }
        #expect(finished == 10)
        release.signal(); release.signal()
        q.stop(deadline: .now + .seconds(2))
    }

    @Test func aKeyWaitsForItsJobToFinishWhileTheWorkerGoesOn() {
        // One worker: "a"'s first job returns without finishing; "b" runs on the same
        // thread meanwhile, and "a"'s second job waits until the first one finishes.
        let started = Mutex<[String]>([])
        let finishFirst = Mutex<(@Sendable () -> Void)?>(nil)
        let ran = DispatchSemaphore(value: 0)
        let q = KeyedWorkQueue<String, Int>(workers: 1, name: "t") { key, n, finished in
            started.withLock { $0.append("\(key)\(n)") }
            if key == "a" && n == 1 { finishFirst.withLock { $0 = finished } } else { finished() }
            ran.signal()
        }
        q.start()
        q.submit("a", 1)
        q.submit("a", 2)
        q.submit("b", 1)
        #expect(ran.wait(timeout: .now() + 5) == .success)
        #expect(ran.wait(timeout: .now() + 5) == .success)
        #expect(ran.wait(timeout: .now() + 0.2) == .timedOut)
        #expect(started.withLock { $0 } == ["a1", "b1"])
        #expect(q.depth == 2)
        finishFirst.withLock { $0 }?()
        #expect(ran.wait(timeout: .now() + 5) == .success)
        #expect(started.withLock { $0 } == ["a1", "b1", "a2"])
        q.stop(deadline: .now + .seconds(2))
    }
}
