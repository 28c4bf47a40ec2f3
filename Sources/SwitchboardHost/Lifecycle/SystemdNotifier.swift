import Foundation
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The service manager's side of `Type=notify` (sd_notify(3) without libsystemd): one
/// datagram per state change to the socket named by `NOTIFY_SOCKET`.
///
/// - `READY=1` once every service has started and the host takes traffic;
/// - `RELOADING=1` while a SIGHUP reload runs, then `READY=1` again;
/// - `STOPPING=1` when shutdown begins;
/// - `WATCHDOG=1` every half of `WATCHDOG_USEC`, while `healthy` says so: a host whose
///   store no longer answers stops petting the watchdog and systemd restarts it.
///
/// Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing.
public final class SystemdNotifier: @unchecked Sendable {
    private let socketPath: String?
    private let fd: Int32
    private let logger: Logger?
    private let lock = NSLock()
    private var watchdogThread: Thread?
    private var stopped = false
    private let stopCondition = NSCondition()

    /// Reads `NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger?) {
        self.logger = logger
        if let path = environment["NOTIFY_SOCKET"], !path.isEmpty,
           path.hasPrefix("/") || path.hasPrefix("@") {
            socketPath = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        } else {
            socketPath = nil
            fd = -1
        }
        watchdogInterval = Self.watchdogInterval(environment)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Half of `WATCHDOG_USEC`, when the watchdog is on and meant for this process.
    public let watchdogInterval: Duration?

    static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], let value = Int32(pid), value != getpid() { return nil }
        return .microseconds(Int64(usec / 2))
    }

    public var isActive: Bool { socketPath != nil && fd >= 0 }

    /// Sends one state string, e.g. "READY=1\nSTATUS=serving". Returns whether it was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath, fd >= 0 else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(socketPath.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }   // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            logger?.warn("NOTIFY_SOCKET is too long; systemd is not told the host's state", ["path": socketPath])
            return false
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let sent = state.utf8CString.withUnsafeBufferPointer { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    sendto(fd, text.baseAddress, text.count - 1, Int32(MSG_NOSIGNAL), sa, length)
                }
            }
        }
        if sent < 0 {
            logger?.warn("could not notify systemd", ["path": socketPath, "error": String(cString: strerror(errno))])
            return false
        }
        return true
    }

    public func ready(status: String) { notify("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())") }

    public func reloading() {
        // MONOTONIC_USEC lets Type=notify-reload match this reload to its signal.
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let usec = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }

    public func stopping() {
        lock.lock(); let thread = watchdogThread; watchdogThread = nil; lock.unlock()
        if thread != nil {
            stopCondition.lock(); stopped = true; stopCondition.broadcast(); stopCondition.unlock()
        }
        notify("STOPPING=1")
    }

    /// Starts petting the watchdog (when systemd asked for it): every interval, `problem()`
    /// runs and `WATCHDOG=1` is sent only if it returns nil; a problem is logged.
    public func startWatchdog(problem: @escaping @Sendable () -> String?) {
        guard isActive, let interval = watchdogInterval else { return }
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let thread = Thread { [weak self] in
            while let self {
                if let reason = problem() {
                    self.logger?.error("health check failed; not petting the systemd watchdog", ["reason": reason])
                } else {
                    self.notify("WATCHDOG=1")
                }
                self.stopCondition.lock()
                if !self.stopped { _ = self.stopCondition.wait(until: Date(timeIntervalSinceNow: seconds)) }
                let done = self.stopped
                self.stopCondition.unlock()
                if done { return }
            }
        }
        thread.name = "sd-watchdog"
        lock.lock(); watchdogThread = thread; lock.unlock()
        thread.start()
    }
}
