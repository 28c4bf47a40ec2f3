import Foundation
import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardStore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A directory under the system temp dir, removed when the value goes away.
final class TempDir: Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-store-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        // Tests may have made files immutable; undo that so the directory can go.
        if geteuid() == 0 { _ = runTool("/usr/bin/chattr", ["-R", "-i", path]) }
        chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A clock that moves one millisecond forward on every reading, from a fixed start, so
/// that rows written one after the other have distinct, ordered times.
final class SteppingClock: Sendable {
    private let ms = Mutex<Int64>(1_780_000_000_000)
    func next() -> Date { Date(millisecondsSince1970: ms.withLock { $0 += 1; return $0 }) }
}

func testOptions(_ clock: SteppingClock = SteppingClock()) -> StoreOptions {
    var options = StoreOptions()
    options.clock = { clock.next() }
    options.durability = .normal // tests do not need to survive a power cut
    return options
}

func definition(_ id: WorkspaceID, hash: String = "h1") -> WorkspaceDefinition {
    WorkspaceDefinition(id: id, name: "Workspace \(id)", region: "NG", timezone: "Africa/Lagos", configHash: hash)
}

/// The store conformance suite. The suites of this target that test the store through
/// its protocols (`Store`, `WorkspaceStore`, the repositories and queues) get their store
/// from `StoreBackend.current` (through `makeStore`, `openStore`, `secondStore`), so the
/// same test bodies run against every backend:
///
///     swift test --filter SwitchboardStoreTests                                  # SQLite
///     scripts/with-postgres.sh env SWITCHBOARD_TEST_STORE=postgres \
///         swift test --filter SwitchboardStoreTests                               # PostgreSQL
///
/// A test that looks at one backend's insides (SQLite's pool, its FTS5 index, group
/// commit, files and migrations) says so with `.enabled(if: StoreBackend.current.isSQLite)`
/// or lives in an SQLite-only suite (MigrationTests, OpenErrorTests, WALWriteTests,
/// ConnectionSettingsTests); PostgresConnectionTests are PostgreSQL's own.
struct StoreBackend: Sendable, CustomStringConvertible {
    let name: String
    /// Opens the database named `name` of the test owning `dir`: a new, empty and migrated
    /// one at the first open, the same one at every later open (a reopen, or a second host
    /// on the same database). For SQLite, the file `name` in `dir`; a server backend keeps
    /// one database (or schema) per `dir` and `name` and drops it when `dir` goes.
    let open: @Sendable (_ dir: TempDir, _ name: String, _ options: StoreOptions) throws -> any Store

    var description: String { name }
    var isSQLite: Bool { name == "sqlite" }

    static let sqlite = StoreBackend(name: "sqlite") { dir, name, options in
        try SQLiteStore(path: dir.file(name), options: options)
    }

    /// The backends the suite can run against, by the name `SWITCHBOARD_TEST_STORE` gives
    /// (the PostgreSQL store adds itself here).
    static let all: [StoreBackend] = [.sqlite]

    /// The backend of this run: `SWITCHBOARD_TEST_STORE` (default `sqlite`).
    static let current: StoreBackend = {
        let wanted = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_STORE"] ?? "sqlite"
        guard let backend = all.first(where: { $0.name == wanted }) else {
            fatalError("SWITCHBOARD_TEST_STORE=\(wanted): no such store backend (have: \(all.map(\.name)))")
        }
        return backend
    }()
}

/// Opens (or reopens) the test's database on the backend of this run.
func openStore(_ dir: TempDir, name: String = "switchboard.db", options: StoreOptions = testOptions()) throws -> any Store {
    try StoreBackend.current.open(dir, name, options)
}

/// A store in a fresh temp dir with workspaces `a` and `b` synced.
func makeStore(_ dir: TempDir, name: String = "switchboard.db") throws -> any Store {
    let store = try openStore(dir, name: name)
    _ = try store.syncWorkspaces([definition("a"), definition("b")])
    return store
}

/// `makeStore` on SQLite whatever the backend of this run (tests of SQLite's own parts).
func makeSQLiteStore(_ dir: TempDir, name: String = "switchboard.db") throws -> SQLiteStore {
    let store = try SQLiteStore(path: dir.file(name), options: testOptions())
    _ = try store.syncWorkspaces([definition("a"), definition("b")])
    return store
}

/// A conversation with a new contact in `ws`, on `channel`.
func makeConversation(
    _ ws: any WorkspaceStore, phone: String = "+2348031234567", channel: ChannelID = "wa-main"
) throws -> Conversation {
    let contact = try ws.contacts.upsert(e164: phone, rawPhone: nil, profileName: nil).contact
    return try ws.conversations.findOrCreate(channel: channel, contact: contact.id).conversation
}

func inbound(_ conversation: Conversation, _ wamid: String, _ text: String) -> NewInboundMessage {
    NewInboundMessage(conversationID: conversation.id, providerMessageID: wamid, kind: .text, text: text)
}

@discardableResult
func runTool(_ tool: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}

/// Makes `path` unwritable for this process: permission bits, and for root (whom
/// permission bits do not stop) the immutable attribute. False if neither is possible.
func makeReadOnly(_ path: String, directory: Bool) -> Bool {
    chmod(path, directory ? 0o555 : 0o444)
    if geteuid() == 0 { return runTool("/usr/bin/chattr", ["+i", path]) == 0 }
    return true
}

extension InboundInsert {
    var inserted: Message? { if case .inserted(let m) = self { m } else { nil } }
    var duplicateID: MessageID? { if case .duplicate(let id) = self { id } else { nil } }
}

/// What a test expects a thrown store error to be.
func storeError(_ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        return StoreError(.sqlite, "not a StoreError: \(error)", path: "?")
    }
}

/// Waits until the background indexing has put every committed message in the full-text
/// index (a search only reads); a timeout is a test failure at the caller.
func waitForSearchIndex(_ store: any Store, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) {
    // Only SQLite indexes in the background; another backend's search index is current
    // at commit.
    guard let store = store as? SQLiteStore else { return }
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < end {
        if (try? store.searchIndexIsCurrent()) == true { return }
        usleep(5_000)
    }
    Issue.record("the search index did not catch up within \(seconds) s", sourceLocation: sourceLocation)
}

/// Another process, standing for a second host (or one that dies): its `claimer` names it
/// as it runs; `kill()` ends it and waits until it is gone. (posix_spawn and waitpid:
/// Foundation's `Process.waitUntilExit` waits for a run loop that test threads lack.)
final class OtherProcess: @unchecked Sendable {
    let pid: pid_t
    let claimer: Claimer
    private var reaped = false

    init() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("600"), nil]
        defer { for a in argv { free(a) } }
        let rc = posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ)
        guard rc == 0 else { throw StoreError(.misuse, "posix_spawn: \(rc)", path: "") }
        self.pid = pid
        claimer = try #require(Claimer(process: pid))
    }

    func kill() {
        guard !reaped else { return }
        reaped = true
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    deinit { kill() }
}

/// A second host on the test's database, whose claims name `claimer` (nil: the store itself).
func secondStore(_ dir: TempDir, claimer: Claimer?, name: String = "switchboard.db") throws -> any Store {
    var options = testOptions()
    options.claimer = claimer
    return try openStore(dir, name: name, options: options)
}

/// `store` as the SQLite store, for a test (or a step of one) about SQLite's own parts;
/// such a test is `.enabled(if: StoreBackend.current.isSQLite)`.
func sqlite(_ store: any Store, sourceLocation: SourceLocation = #_sourceLocation) throws -> SQLiteStore {
    try #require(store as? SQLiteStore, "a test of SQLite's own parts ran on \(StoreBackend.current)", sourceLocation: sourceLocation)
}

/// Runs `body` when `store` is the SQLite store (a step that only SQLite has, such as
/// indexing its journal now rather than in the background); nothing on other backends.
func whenSQLite(_ store: any Store, _ body: (SQLiteStore) throws -> Void) rethrows {
    if let store = store as? SQLiteStore { try body(store) }
}
