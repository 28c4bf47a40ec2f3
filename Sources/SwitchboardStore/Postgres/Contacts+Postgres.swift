import Foundation
import SwitchboardCore

struct PostgresContactRepository: ContactRepository {
    let scope: PostgresScope

    static let columns = "id, workspace_id, e164, raw_phone, profile_name, created_at"

    static func read(_ r: PostgresRow) -> Contact {
        Contact(
            id: ContactID(r.string(0)), workspaceID: WorkspaceID(r.string(1)), e164: r.string(2),
            rawPhone: r.optionalString(3), profileName: r.optionalString(4), createdAt: r.date(5))
    }

    func upsert(e164: String, rawPhone: String?, profileName: String?) throws -> ContactUpsert {
        try scope.write { db in
            if var existing = try db.queryOne(
                "SELECT \(Self.columns) FROM contacts WHERE workspace_id = ? AND e164 = ?",
                [scope.workspaceID, e164], Self.read)
            {
                if let profileName, profileName != existing.profileName {
                    try db.run(
                        "UPDATE contacts SET profile_name = ? WHERE workspace_id = ? AND id = ?",
                        [profileName, scope.workspaceID, existing.id])
                    existing.profileName = profileName
                }
                return ContactUpsert(contact: existing, created: false)
            }
            let now = scope.now()
            let contact = Contact(
                id: ContactID(scope.newID("ct", now)), workspaceID: scope.workspaceID, e164: e164,
                rawPhone: rawPhone, profileName: profileName, createdAt: now)
            // Stored by another connection meanwhile: the insert waits for it and stores
            // nothing; that contact is the one (its name updated as above).
            let inserted = try db.run(
                "INSERT INTO contacts (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, e164) DO NOTHING",
                [contact.id, contact.workspaceID, contact.e164, contact.rawPhone, contact.profileName, contact.createdAt])
            if inserted == 0, var existing = try db.queryOne(
                "SELECT \(Self.columns) FROM contacts WHERE workspace_id = ? AND e164 = ?",
                [scope.workspaceID, e164], Self.read)
            {
                if let profileName, profileName != existing.profileName {
                    try db.run(
                        "UPDATE contacts SET profile_name = ? WHERE workspace_id = ? AND id = ?",
                        [profileName, scope.workspaceID, existing.id])
                    existing.profileName = profileName
                }
                return ContactUpsert(contact: existing, created: false)
            }
            return ContactUpsert(contact: contact, created: true)
        }
    }

    func get(_ id: ContactID) throws -> Contact? {
        try scope.read { db in
            try db.queryOne(
                "SELECT \(Self.columns) FROM contacts WHERE workspace_id = ? AND id = ?",
                [scope.workspaceID, id], Self.read)
        }
    }

    func find(e164: String) throws -> Contact? {
        try scope.read { db in
            try db.queryOne(
                "SELECT \(Self.columns) FROM contacts WHERE workspace_id = ? AND e164 = ?",
                [scope.workspaceID, e164], Self.read)
        }
    }

    func list(limit: Int) throws -> [Contact] {
        try scope.read { db in
            try db.query(
                "SELECT \(Self.columns) FROM contacts WHERE workspace_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                [scope.workspaceID, max(0, limit)], Self.read)
        }
    }

    func list(after cursor: ListCursor?, limit: Int) throws -> [Contact] {
        guard let cursor else { return try list(limit: limit) }
        return try scope.read { db in
            try db.query(
                """
                SELECT \(Self.columns) FROM contacts
                WHERE workspace_id = ? AND (created_at < ? OR (created_at = ? AND id < ?))
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                [scope.workspaceID, cursor.at, cursor.at, cursor.id, max(0, limit)], Self.read)
        }
    }
}
