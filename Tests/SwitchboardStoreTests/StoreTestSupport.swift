import Foundation
import SwitchboardTestSupport
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

/// `makeStore` on SQLite whatever the backend (tests of SQLite's own parts).
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
    let process = ChildProcess()
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

/// Waits until the background indexing has put every committed message in SQLite's
/// full-text index (a search only reads); a timeout is a test failure at the caller.
func waitForSearchIndex(_ store: SQLiteStore, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < end {
        if (try? store.searchIndexIsCurrent()) == true { return }
        usleep(5_000)
    }
    Issue.record("the search index did not catch up within \(seconds) s", sourceLocation: sourceLocation)
}

/// Another process, standing for a second host (or one that dies): its `claimer` names it
/// as it runs; `kill()` ends it and waits until it is gone.
final class OtherProcess: @unchecked Sendable {
    private let child = ChildProcess()
    let claimer: Claimer
    var pid: pid_t { child.processIdentifier }

    init() throws {
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["600"]
        try child.run()
        claimer = try #require(Claimer(process: child.processIdentifier))
    }

    func kill() {
        guard child.isRunning else { return }
        _ = Glibc.kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
    }

    deinit { kill() }
}

/// Runs `body` when `store` is the SQLite store (a step that only SQLite has, such as
/// indexing its journal now rather than in the background); nothing on other backends.
func whenSQLite(_ store: any Store, _ body: (SQLiteStore) throws -> Void) rethrows {
    if let store = store as? SQLiteStore { try body(store) }
}
