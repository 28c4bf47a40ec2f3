import Foundation

/// What every fuzz target under fuzz/ shares (scripts/fuzz.sh builds and runs them).
///
/// Built with `-DFUZZING` and `-sanitize=fuzzer,address` (`make fuzz`), a target is a
/// libFuzzer binary: libFuzzer's `main` calls the target's `LLVMFuzzerInitialize` once
/// and its `LLVMFuzzerTestOneInput` for each input, and its arguments are libFuzzer's
/// (`corpus_dir -max_total_time=60`, or a crash file to reproduce). Built normally
/// (`swift build`), the target's `main` replays the files and folders it is given through
/// the same test function, without instrumentation: a committed crash input can be
/// checked by hand that way. Either way, `--write-seeds DIR` as the only argument writes
/// the target's generated seeds (from the test fixtures) and exits.
public enum FuzzMain {
    /// Writes the seeds and exits when the arguments are `--write-seeds DIR`.
    public static func writeSeedsIfAsked(_ seeds: () -> [(name: String, bytes: [UInt8])]) {
        let args = CommandLine.arguments
        guard args.count == 3, args[1] == "--write-seeds" else { return }
        let dir = URL(fileURLWithPath: args[2])
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let all = seeds()
        for seed in all {
            do {
                try Data(seed.bytes).write(to: dir.appendingPathComponent(seed.name))
            } catch {
                FileHandle.standardError.write(Data("cannot write seed \(seed.name): \(error)\n".utf8))
                exit(1)
            }
        }
        print("wrote \(all.count) seeds to \(dir.path)")
        exit(0)
    }

    /// The `main` of a target built without FUZZING: replays every file named, and every
    /// file of every folder named, through `test`.
    public static func replay(seeds: () -> [(name: String, bytes: [UInt8])], _ test: (UnsafeRawBufferPointer) -> Void) -> Never {
        writeSeedsIfAsked(seeds)
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("no such file or folder: \(path)\n".utf8))
                exit(2)
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { test($0) }
                count += 1
            }
        }
        print("replayed \(count) inputs without a failure")
        exit(0)
    }
}

/// A property of the target: when it does not hold, says which (to stderr) and aborts, so
/// that libFuzzer keeps the input. (`precondition` drops its message in release builds.)
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "",
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fuzzFail(message(), file: file, line: line) }
}

/// A property that does not hold: says which (to stderr) and aborts.
public func fuzzFail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    FileHandle.standardError.write(Data("fuzz check failed at \(file):\(line): \(message)\n".utf8))
    abort()
}
