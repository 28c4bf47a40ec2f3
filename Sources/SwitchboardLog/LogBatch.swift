import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Gathers the log lines one thread writes, to write them with few `write(2)`s.
///
///     LogBatch.collect {
///         for completion in batch { completion.run() }   // each logs a line or two
///     }                                                  // written here, in order
///
/// Inside `collect`, a `LogSink` appends this thread's lines to a buffer per descriptor
/// and writes it out whenever the next line would take it past PIPE_BUF (each write
/// stays one the kernel does not interleave with another), and at the end. A thread that
/// logs several lines for every message (the store's completion thread, which writes the
/// journal's lines of every commit) then pays one system call per few dozen lines
/// instead of one per line. Lines wait at most until `collect` returns; a nested call
/// adds to the outer one. Lines of other threads are not held back.
public enum LogBatch {
    public static func collect<T>(_ body: () throws -> T) rethrows -> T {
        if Collector.current != nil { return try body() }
        let collector = Collector()
        pthread_setspecific(Collector.key, Unmanaged.passUnretained(collector).toOpaque())
        defer {
            pthread_setspecific(Collector.key, nil)
            collector.flushAll()
        }
        return try withExtendedLifetime(collector) { try body() }
    }

    /// One thread's pending bytes, by descriptor (a process usually logs to one).
    final class Collector {
        static let key: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key, nil)
            return key
        }()

        static var current: Collector? {
            pthread_getspecific(key).map { Unmanaged<Collector>.fromOpaque($0).takeUnretainedValue() }
        }

        private var pending: [(fd: Int32, bytes: [UInt8])] = []

        /// Adds a line (at most PIPE_BUF bytes) for `fd`, writing out what is pending for
        /// it first if the two together would not fit one atomic write.
        func add(_ line: [UInt8], fd: Int32, limit: Int) {
            if let i = pending.firstIndex(where: { $0.fd == fd }) {
                if pending[i].bytes.count + line.count > limit {
                    LogBatch.writeAll(fd, pending[i].bytes)
                    pending[i].bytes.removeAll(keepingCapacity: true)
                }
                pending[i].bytes += line
            } else {
                pending.append((fd, line))
            }
        }

        /// Writes what is pending for `fd` (before a line that bypasses the buffer).
        func flush(fd: Int32) {
            guard let i = pending.firstIndex(where: { $0.fd == fd }), !pending[i].bytes.isEmpty else { return }
            LogBatch.writeAll(fd, pending[i].bytes)
            pending[i].bytes.removeAll(keepingCapacity: true)
        }

        func flushAll() {
            for (fd, bytes) in pending where !bytes.isEmpty { LogBatch.writeAll(fd, bytes) }
            pending.removeAll()
        }
    }

    /// `bytes` to `fd`, resuming after short writes and EINTR; gives up on other errors
    /// (a log that cannot be written must not stop the host).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                off += n
            }
        }
    }
}
