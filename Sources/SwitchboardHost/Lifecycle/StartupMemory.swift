#if canImport(Glibc)
import Glibc
#endif

/// What start-up leaves behind in the heap: parsing every workspace file and building
/// every plugin instance (YAML trees, JSON objects, index-building scratch) frees far
/// more than it keeps, and glibc keeps freed pages that sit below live allocations.
/// With thousands of workspaces that was ~5.6 KB of resident memory per workspace
/// (bench/workspaces.sh). `releaseFreedPages` gives those pages back once, after start.
enum StartupMemory {
    /// Returns the heap's free pages to the system (glibc's `malloc_trim(0)`, looked up
    /// at run time: it is not in Swift's Glibc module). Does nothing elsewhere.
    static func releaseFreedPages() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
