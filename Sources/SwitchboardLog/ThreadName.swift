#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread for the kernel (`/proc/PID/task/TID/comm`, `top -H`,
/// `perf`), which Foundation's `Thread.name` does not do on Linux. Linux keeps at most 15
/// bytes; longer names are cut. (Written to /proc/thread-self/comm: Swift cannot call
/// `prctl`, and Glibc's module hides `pthread_setname_np`.)
public func setCurrentThreadName(_ name: String) {
    #if canImport(Glibc)
    let fd = open("/proc/thread-self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    #endif
}
