import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Opening something that cannot be a working database gives one clear line, never a crash.
@Suite struct OpenErrorTests {
    let dir = TempDir()

    @Test func aFileThatIsNotADatabase() throws {
        let path = dir.file("notes.db")
        try String(repeating: "these are not the tables you are looking for\n", count: 100)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let error = storeError { _ = try SQLiteStore(path: path, options: testOptions()) }
        #expect(error?.code == .notADatabase)
        #expect(error?.description == "\(path): file is not a database")
        // The file is left as it was.
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("these are not"))
    }

    @Test func anEmptyFileIsANewDatabase() throws {
        let path = dir.file("empty.db")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try SQLiteStore(path: path, options: testOptions())
        #expect(try store.schemaVersion == SQLiteSchema.latestVersion)
    }

    @Test func aMissingDirectory() throws {
        let path = dir.file("missing/deeper/x.db")
        let error = storeError { _ = try SQLiteStore(path: path, options: testOptions()) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.description == "\(path): directory \(dir.file("missing/deeper")) does not exist")
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing")))
    }

    @Test func aDirectoryInsteadOfAFile() throws {
        let path = dir.file("adir.db")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let error = storeError { _ = try SQLiteStore(path: path, options: testOptions()) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.description == "\(path): is a directory, not a database file")
    }

    @Test func aReadOnlyDatabaseFile() throws {
        let path = dir.file("ro.db")
        try makeSQLiteStore(dir, name: "ro.db").close()
        try #require(makeReadOnly(path, directory: false))
        let error = storeError { _ = try SQLiteStore(path: path, options: testOptions()) }
        #expect(error?.code == .readOnly)
        #expect(error?.description.hasPrefix("\(path): database file is read-only") == true)
    }

    /// Past the up-front check (a file that becomes read-only between the check and the
    /// open, or a filesystem mounted read-only), SQLite's own report is still clear.
    @Test func aReadOnlyDatabaseFileReachingSQLite() throws {
        let path = dir.file("ro2.db")
        try makeSQLiteStore(dir, name: "ro2.db").close()
        try #require(makeReadOnly(path, directory: false))
        let error = storeError { _ = try SQLiteConnection(path: path, readOnly: false, options: testOptions()) }
        #expect(error?.code == .readOnly)
        #expect(error?.description == "\(path): database file is read-only")
    }

    @Test func aReadOnlyDirectory() throws {
        let sub = dir.file("locked")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        try makeSQLiteStore(dir, name: "locked/existing.db").close()
        try #require(makeReadOnly(sub, directory: true))
        for name in ["new.db", "existing.db"] {
            let path = sub + "/" + name
            let error = storeError { _ = try SQLiteStore(path: path, options: testOptions()) }
            #expect(error?.code == .readOnly)
            #expect(error?.description.hasPrefix("\(path): directory \(sub) is not writable") == true)
        }
    }

    @Test func aClosedStoreRefusesWork() throws {
        let store = try makeSQLiteStore(dir)
        store.close()
        let error = storeError { _ = try store.workspace("a").contacts.list(limit: 1) }
        #expect(error?.code == .misuse)
        #expect(storeError { _ = try store.workspace("a").events.append(NewEvent(.note)) }?.code == .misuse)
    }

    @Test func closingInsideATransactionDoesNotHang() throws {
        let store = try makeSQLiteStore(dir)
        try store.transaction { tx in
            _ = try tx.workspace("a").events.append(NewEvent(.note))
            store.close()
        }
        #expect(storeError { _ = try store.workspace("a").events.append(NewEvent(.note)) }?.code == .misuse)
        let reopened = try SQLiteStore(path: dir.file("switchboard.db"), options: testOptions())
        #expect(try reopened.workspace("a").events.tail(conversation: nil, limit: 1).first?.kind == .note)
    }
}
