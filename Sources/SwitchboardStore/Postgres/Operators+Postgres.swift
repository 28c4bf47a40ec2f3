import Foundation
import SwitchboardCore

struct PostgresOperatorRepository: OperatorRepository {
    let store: PostgresStore
    /// The transaction whose handle this was reached through (nil: each call its own).
    var tx: PostgresPool.Held? = nil

    static let columns = "id, email, password_hash, created_at"
    static let tokenColumns = "id, operator_id, name, created_at, expires_at"

    static func read(_ r: PostgresRow, from i: Int32 = 0) -> OperatorRecord {
        OperatorRecord(id: r.string(i), email: r.string(i + 1), passwordHash: r.string(i + 2), createdAt: r.date(i + 3))
    }

    static func readToken(_ r: PostgresRow, from i: Int32 = 0) -> OperatorTokenRecord {
        OperatorTokenRecord(id: r.string(i), operatorID: r.string(i + 1), name: r.string(i + 2),
                            createdAt: r.date(i + 3), expiresAt: r.optionalDate(i + 4))
    }

    func create(email: String, passwordHash: String) throws -> OperatorRecord {
        try store.write(tx) { db in
            if try db.queryOne("SELECT 1 FROM operators WHERE email = ?", [email], { _ in true }) != nil {
                throw StoreError(.constraint, "an operator with e-mail \(email) already exists", path: store.path)
            }
            let now = store.now()
            let record = OperatorRecord(id: IDGenerator.make("op", milliseconds: UInt64(max(0, now.millisecondsSince1970))),
                                        email: email, passwordHash: passwordHash, createdAt: now)
            _ = try db.run("INSERT INTO operators (\(Self.columns)) VALUES (?, ?, ?, ?)",
                           [record.id, record.email, record.passwordHash, record.createdAt])
            return record
        }
    }

    func find(email: String) throws -> OperatorRecord? {
        try store.read(tx) { db in
            try db.queryOne("SELECT \(Self.columns) FROM operators WHERE email = ?", [email]) { Self.read($0) }
        }
    }

    func list() throws -> [OperatorRecord] {
        try store.read(tx) { db in
            try db.query("SELECT \(Self.columns) FROM operators ORDER BY created_at, id") { Self.read($0) }
        }
    }

    @discardableResult
    func delete(_ id: String) throws -> Bool {
        try store.write(tx) { db in
            _ = try db.run("DELETE FROM operator_tokens WHERE operator_id = ?", [id])
            return try db.run("DELETE FROM operators WHERE id = ?", [id]) > 0
        }
    }

    func createToken(operatorID: String, name: String, tokenHash: String, expiresAt: Date?) throws -> OperatorTokenRecord {
        try store.write(tx) { db in
            let now = store.now()
            let record = OperatorTokenRecord(id: IDGenerator.make("otk", milliseconds: UInt64(max(0, now.millisecondsSince1970))),
                                             operatorID: operatorID, name: name, createdAt: now, expiresAt: expiresAt)
            _ = try db.run("INSERT INTO operator_tokens (id, operator_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                           [record.id, operatorID, name, tokenHash, now, expiresAt])
            return record
        }
    }

    func tokens() throws -> [OperatorTokenRecord] {
        try store.read(tx) { db in
            try db.query("SELECT \(Self.tokenColumns) FROM operator_tokens ORDER BY created_at, id") { Self.readToken($0) }
        }
    }

    @discardableResult
    func revokeToken(_ id: String) throws -> Bool {
        try store.write(tx) { db in try db.run("DELETE FROM operator_tokens WHERE id = ?", [id]) > 0 }
    }

    func authenticate(tokenHash: String) throws -> (OperatorRecord, OperatorTokenRecord)? {
        try store.read(tx) { db in
            try db.queryOne("""
                SELECT t.id, t.operator_id, t.name, t.created_at, t.expires_at, o.id, o.email, o.password_hash, o.created_at
                FROM operator_tokens t JOIN operators o ON o.id = t.operator_id WHERE t.token_hash = ?
                """, [tokenHash]) { r in (Self.read(r, from: 5), Self.readToken(r)) }
        }
    }
}
