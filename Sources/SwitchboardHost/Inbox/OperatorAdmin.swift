import Foundation
import SwitchboardAuth
import SwitchboardStore

/// Adding and removing the host's operators (`switchboard operator`), audited in the
/// host's trail.
struct OperatorAdmin {
    let store: any Store
    var hasher: PasswordHasher = .standard

    /// Adds an operator and their first token (returned once, stored as its SHA-256). The
    /// account's password is random and unknown until a page login exists.
    func add(email raw: String, expiresAt: Date? = nil, actor: String = "cli") throws -> (OperatorRecord, String) {
        guard let email = EmailAddress.normalize(raw) else {
            throw AccessAdmin.Refusal(description: "'\(raw)' is not an e-mail address")
        }
        if try store.operators.find(email: email) != nil {
            throw AccessAdmin.Refusal(description: "an operator with e-mail \(email) already exists")
        }
        let hash = try hasher.hash(try Secrets.token())
        let token = try Secrets.apiToken()
        let record = try store.transaction { tx in
            let record = try tx.operators.create(email: email, passwordHash: hash)
            _ = try tx.operators.createToken(operatorID: record.id, name: "default", tokenHash: Secrets.hash(token), expiresAt: expiresAt)
            try tx.hostAudit.record(actor: actor, action: "operator_added", summary: "added operator \(email)")
            return record
        }
        return (record, token)
    }

    func remove(email raw: String, actor: String = "cli") throws -> OperatorRecord {
        guard let email = EmailAddress.normalize(raw), let record = try store.operators.find(email: email) else {
            throw AccessAdmin.Refusal(description: "no operator '\(raw)'")
        }
        try store.transaction { tx in
            try tx.operators.delete(record.id)
            try tx.hostAudit.record(actor: actor, action: "operator_removed", summary: "removed operator \(email) and their tokens")
        }
        return record
    }
}
