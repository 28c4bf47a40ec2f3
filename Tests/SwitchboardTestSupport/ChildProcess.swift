import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A child process for tests and benchmarks (the host under test, its commands, `cc`),
/// started with posix_spawn and reaped with waitpid. The part of Foundation's `Process`
/// they use, under the same names.
///
/// Not `Process`: on this toolchain (Swift 6.3.1) `Process.run()` lists /proc/self/fd to
/// close the parent's descriptors in the child and copies each entry's name as a whole
/// 256-byte field, past the end of glibc's readdir buffer (AddressSanitizer:
/// heap-buffer-overflow in `findMaximumOpenFromProcSelfFD`). When that buffer ends a heap,
/// the read is a SIGSEGV that takes the whole test process down: seen in CI, in memmove
/// under `Process.run`, at random (the heap's layout decides). The fix is in Foundation
/// after 6.3.1. Here the child closes every descriptor above 2 with glibc's
/// `posix_spawn_file_actions_addclosefrom_np`, and its end is read with waitpid, not
/// with Foundation's SIGCHLD bookkeeping (which threads that do not block SIGCHLD can miss:
/// `waitUntilExit` then never returned, bench/loadgen).
///
///     let p = ChildProcess()
///     p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
///     p.arguments = ["cc", "--version"]
///     let out = Pipe()
///     p.standardOutput = out
///     try p.run()
///     let text = out.fileHandleForReading.readDataToEndOfFile()
///     p.waitUntilExit()
///     // p.terminationStatus: the exit code, or the signal that ended it
public final class ChildProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String] = []
    /// nil: this process's environment.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// A `Pipe` (the child reads its reading end) or a `FileHandle`; nil: inherited.
    public var standardInput: Any?
    /// A `Pipe` (the child writes its writing end) or a `FileHandle`; nil: inherited.
    public var standardOutput: Any?
    public var standardError: Any?

    public private(set) var processIdentifier: Int32 = 0
    /// The raw wait status, once reaped.
    private let reaped = Mutex<Int32?>(nil)

    public init() {}

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts the child. Like `Process`, in a process group of its own, and with the
    /// parent's ends of its pipes closed here, so a reader sees end of file when the
    /// child (and whoever inherited from it) has closed them.
    public func run() throws {
        guard processIdentifier == 0 else { throw SpawnError(description: "this child process was started before") }
        guard let path = executableURL?.path else { throw SpawnError(description: "no executable to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var closeInParent: [FileHandle] = []
        for (fd, target, childReads) in [(Int32(0), standardInput, true), (1, standardOutput, false), (2, standardError, false)] {
            switch target {
            case let pipe as Pipe:
                let child = childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, child.fileDescriptor, fd)
                closeInParent.append(child)
            case let handle as FileHandle:
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, fd)
            default:
                break
            }
        }
        guard let closeFrom = Self.closeFrom, let chdir = Self.chdir else {
            throw SpawnError(description: "posix_spawn_file_actions_addclosefrom_np or _addchdir_np is missing (glibc 2.34 or later)")
        }
        if let dir = currentDirectoryURL?.path { _ = chdir(&actions, dir) }
        _ = closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "cannot run \(path): \(String(cString: strerror(rc)))") }
        processIdentifier = pid
        for handle in closeInParent { try? handle.close() }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `_addchdir_np` (2.29),
    /// which Swift's Glibc module does not declare.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let closeFrom = glibc("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self)
    private static let chdir = glibc("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self)

    private static func glibc<F>(_ name: String, as: F.Type) -> F? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: F.self) }
    }

    /// True until the child has ended (and is reaped).
    public var isRunning: Bool {
        guard processIdentifier != 0 else { return false }
        return reaped.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            let r = waitpid(processIdentifier, &raw, WNOHANG)
            if r == processIdentifier { status = raw; return false }
            if r < 0 && errno != EINTR { status = -1; return false }  // not our child any more
            return true
        }
    }

    /// Blocks until the child has ended.
    public func waitUntilExit() {
        while isRunning { usleep(1_000) }
    }

    /// The exit code, or the number of the signal that ended the child (as `Process`);
    /// -1 before the child ended.
    public var terminationStatus: Int32 {
        guard let raw = reaped.withLock({ $0 }), raw >= 0 else { return -1 }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f
    }

    /// True if a signal ended the child.
    public var endedBySignal: Bool {
        guard let raw = reaped.withLock({ $0 }), raw >= 0 else { return false }
        return raw & 0x7f != 0
    }

    /// Sends SIGTERM.
    public func terminate() {
        if processIdentifier != 0 && isRunning { kill(processIdentifier, SIGTERM) }
    }
}
