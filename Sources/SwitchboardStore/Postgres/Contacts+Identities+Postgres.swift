import Foundation
import SwitchboardCore

/// One person, one contact: addresses seen together are mapped to one contact
/// (`contact_aliases`), and two contacts that turn out to be one person are merged.
///
/// A contact's key (`contacts.e164`, a `ContactAddress`'s storage key) is its number when
/// one is known, else its LID (`user:<LID>@lid`) or BSUID (`user:<BSUID>`); its other
/// addresses are aliases. Resolving, inside one write:
/// 1. find the contacts these addresses name (by key or by alias);
/// 2. none: create one under the best key; one: that one; several: the survivor is the one
///    with a number (else the oldest) and the others are merged into it;
/// 3. a survivor keyed by a LID or BSUID takes the number as its key when one appears;
/// 4. every address given now points at the survivor.
/// Two contacts with two different numbers are never merged: a LID or BSUID seen with a
/// new number moves to that number's contact (numbers change hands).
extension PostgresContactRepository {
    func resolve(_ identities: ContactIdentities, rawPhone: String?, profileName: String?) throws -> ContactResolution {
        guard let primary = identities.address?.storageKey else {
            throw StoreError(.misuse, "a contact needs a number, a LID or a user id", path: scope.path)
        }
        return try scope.write { db in
            let ws = scope.workspaceID
            // Resolutions of one workspace take turns (until the transaction ends): two
            // first messages of one person on two connections must find one contact.
            try db.run("SELECT pg_advisory_xact_lock(hashtextextended('contacts/' || ?::text, 0))", [ws])
            func byKey(_ key: String) throws -> Contact? {
                try db.queryOne("SELECT \(Self.columns) FROM contacts WHERE workspace_id = ? AND e164 = ?", [ws, key], Self.read)
            }
            func byAlias(_ kind: String, _ value: String) throws -> Contact? {
                try db.queryOne("""
                    SELECT \(Self.columns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                    FROM contact_aliases a JOIN contacts c ON c.workspace_id = a.workspace_id AND c.id = a.contact_id
                    WHERE a.workspace_id = ? AND a.kind = ? AND a.value = ?
                    """, [ws, kind, value], Self.read)
            }
            var found: [Contact] = []
            /// Where each alias given points today (a message that changes nothing writes nothing).
            var aliasOwner: [String: ContactID] = [:]
            func add(_ c: Contact?) { if let c, !found.contains(where: { $0.id == c.id }) { found.append(c) } }
            if let e164 = identities.e164 { add(try byKey(e164)) }
            if let lid = identities.whatsAppLID {
                let owner = try byAlias("lid", lid)
                aliasOwner["lid"] = owner?.id
                add(owner)
                add(try byKey(ContactAddress.whatsAppUser("\(lid)@lid").storageKey))
            }
            if let uid = identities.businessUserID {
                let owner = try byAlias("bsuid", uid)
                aliasOwner["bsuid"] = owner?.id
                add(owner)
                add(try byKey(ContactAddress.whatsAppUser(uid).storageKey))
            }
            // Contacts with another number than the one given are not this person any more.
            if let e164 = identities.e164 {
                found.removeAll { Self.isNumberKey($0.e164) && $0.e164 != e164 }
            }
            let now = scope.now()
            var created = false
            var survivor: Contact
            var merged: [ContactID] = []
            var mergedConversations: [MergedConversation] = []
            if found.isEmpty {
                survivor = Contact(id: ContactID(scope.newID("ct", now)), workspaceID: ws, e164: primary,
                                   rawPhone: rawPhone, profileName: profileName, createdAt: now)
                try db.run("INSERT INTO contacts (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?)",
                           [survivor.id, ws, survivor.e164, survivor.rawPhone, survivor.profileName, survivor.createdAt])
                created = true
            } else {
                let ordered = found.sorted {
                    let (a, b) = (Self.isNumberKey($0.e164), Self.isNumberKey($1.e164))
                    if a != b { return a }
                    return ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue)
                }
                survivor = ordered[0]
                for absorbed in ordered.dropFirst() {
                    mergedConversations += try merge(absorbed, into: survivor, db: db, now: now)
                    merged.append(absorbed.id)
                }
                if let e164 = identities.e164, survivor.e164 != e164 {
                    try db.run("UPDATE contacts SET e164 = ?, raw_phone = coalesce(raw_phone, ?) WHERE workspace_id = ? AND id = ?",
                               [e164, rawPhone, ws, survivor.id])
                    survivor.e164 = e164
                    if survivor.rawPhone == nil { survivor.rawPhone = rawPhone }
                }
                if let profileName, profileName != survivor.profileName {
                    try db.run("UPDATE contacts SET profile_name = ? WHERE workspace_id = ? AND id = ?", [profileName, ws, survivor.id])
                    survivor.profileName = profileName
                }
            }
            for alias in identities.aliases where aliasOwner[alias.kind] != survivor.id || !merged.isEmpty {
                try db.run("""
                    INSERT INTO contact_aliases (workspace_id, kind, value, contact_id, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, kind, value) DO UPDATE SET contact_id = excluded.contact_id
                    """, [ws, alias.kind, alias.value, survivor.id, now])
            }
            return ContactResolution(contact: survivor, created: created, merged: merged,
                                     mergedConversations: mergedConversations)
        }
    }

    func aliases(of contact: ContactID) throws -> [ContactAlias] {
        try scope.read { db in
            try db.query("SELECT kind, value FROM contact_aliases WHERE workspace_id = ? AND contact_id = ? ORDER BY kind, value",
                         [scope.workspaceID, contact]) { ContactAlias(kind: $0.string(0), value: $0.string(1)) }
        }
    }

    /// A key that is a phone number.
    static func isNumberKey(_ key: String) -> Bool { ContactAddress(storageKey: key).e164 != nil }

    /// Moves everything of `absorbed` to `survivor` and deletes it. A conversation on a
    /// channel where the survivor has none changes hands; one where it has one is merged
    /// into that one: its messages, journal, queued jobs and outbox entries move over (in
    /// their order: messages keep their sequence numbers), and the merged conversation is
    /// `human` if either was, keeping the latest activity. Labels, notes and the agents'
    /// profile of the contact follow.
    private func merge(_ absorbed: Contact, into survivor: Contact, db: PostgresDB, now: Date) throws -> [MergedConversation] {
        let ws = scope.workspaceID
        struct Row { var id: String; var channel: String; var state: String; var assigned: String?; var lastInbound: Int64?; var updated: Int64 }
        let read: (PostgresRow) -> Row = {
            Row(id: $0.string(0), channel: $0.string(1), state: $0.string(2), assigned: $0.optionalString(3),
                lastInbound: $0.isNull(4) ? nil : $0.int64(4), updated: $0.int64(5))
        }
        let sql = "SELECT id, channel_id, state, assigned_to, last_inbound_at, updated_at FROM conversations WHERE workspace_id = ? AND contact_id = ?"
        let theirs = try db.query(sql, [ws, absorbed.id], read)
        let ours = Dictionary(try db.query(sql, [ws, survivor.id], read).map { ($0.channel, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [MergedConversation] = []
        for c in theirs {
            guard let keep = ours[c.channel] else {
                try db.run("UPDATE conversations SET contact_id = ? WHERE workspace_id = ? AND id = ?", [survivor.id, ws, c.id])
                continue
            }
            for table in ["messages", "inbound_jobs", "outbox", "events"] {
                try db.run("UPDATE \(table) SET conversation_id = ? WHERE workspace_id = ? AND conversation_id = ?", [keep.id, ws, c.id])
            }
            // Its labels go to the kept conversation (a label on both stays once).
            try db.run("""
                INSERT INTO conversation_labels (workspace_id, conversation_id, label_id, created_at)
                SELECT workspace_id, ?, label_id, created_at FROM conversation_labels WHERE workspace_id = ? AND conversation_id = ?
                ON CONFLICT DO NOTHING
                """, [keep.id, ws, c.id])
            try db.run("DELETE FROM conversation_labels WHERE workspace_id = ? AND conversation_id = ?", [ws, c.id])
            let state = keep.state == "human" || c.state == "human" ? "human" : keep.state
            let lastInbound = [keep.lastInbound, c.lastInbound].compactMap { $0 }.max()
            try db.run("""
                UPDATE conversations SET state = ?, assigned_to = coalesce(assigned_to, ?), last_inbound_at = ?, updated_at = ?
                WHERE workspace_id = ? AND id = ?
                """, [state, c.assigned, lastInbound, max(keep.updated, c.updated, now.millisecondsSince1970), ws, keep.id])
            try db.run("DELETE FROM conversations WHERE workspace_id = ? AND id = ?", [ws, c.id])
            out.append(MergedConversation(absorbed: ConversationID(c.id), into: ConversationID(keep.id)))
        }
        try db.run("UPDATE contact_aliases SET contact_id = ? WHERE workspace_id = ? AND contact_id = ?", [survivor.id, ws, absorbed.id])
        // What agents wrote about the person: notes move; the profile moves unless the
        // survivor has one of its own (then the survivor's is kept).
        try db.run("UPDATE contact_notes SET contact_id = ? WHERE workspace_id = ? AND contact_id = ?", [survivor.id, ws, absorbed.id])
        try db.run("""
            UPDATE contact_profiles SET contact_id = ?1 WHERE workspace_id = ?2 AND contact_id = ?3
              AND NOT EXISTS (SELECT 1 FROM contact_profiles WHERE workspace_id = ?2 AND contact_id = ?1)
            """, [survivor.id, ws, absorbed.id])
        try db.run("DELETE FROM contact_profiles WHERE workspace_id = ? AND contact_id = ?", [ws, absorbed.id])
        try db.run("DELETE FROM contacts WHERE workspace_id = ? AND id = ?", [ws, absorbed.id])
        return out
    }
}
