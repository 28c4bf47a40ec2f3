import Foundation
import SwitchboardCore

struct PostgresMediaRepository: MediaRepository {
    let scope: PostgresScope

    static let columns = "message_id, sha256, mime_type, size, filename, origin, created_at, deleted_at"

    static func read(_ r: PostgresRow) -> StoredMedia {
        StoredMedia(messageID: MessageID(r.string(0)), sha256: r.string(1), mimeType: r.string(2), size: Int(r.int64(3)),
                    filename: r.optionalString(4), origin: StoredMedia.Origin(rawValue: r.string(5)) ?? .inbound,
                    createdAt: r.date(6), deletedAt: r.optionalInt64(7).map { Date(millisecondsSince1970: $0) })
    }

    func insert(_ media: StoredMedia) throws {
        try scope.write { db in
            try db.run(
                "INSERT INTO media_files (workspace_id, \(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
                [scope.workspaceID, media.messageID.rawValue, media.sha256, media.mimeType, media.size, media.filename,
                 media.origin.rawValue, scope.now()])
        }
    }

    func get(_ message: MessageID) throws -> StoredMedia? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM media_files WHERE workspace_id = ? AND message_id = ?",
                            [scope.workspaceID, message.rawValue], Self.read)
        }
    }

    func expire(before cutoff: Date) throws -> [String] {
        try scope.write { db in
            let hashes = try db.query(
                "SELECT DISTINCT sha256 FROM media_files WHERE workspace_id = ? AND created_at < ? AND deleted_at IS NULL",
                [scope.workspaceID, cutoff]) { $0.string(0) }
            try db.run("UPDATE media_files SET deleted_at = ? WHERE workspace_id = ? AND created_at < ? AND deleted_at IS NULL",
                       [scope.now(), scope.workspaceID, cutoff])
            return hashes
        }
    }

    func isReferenced(sha256: String) throws -> Bool {
        try scope.read { db in
            try db.queryOne("SELECT 1 FROM media_files WHERE workspace_id = ? AND sha256 = ? AND deleted_at IS NULL LIMIT 1",
                            [scope.workspaceID, sha256]) { _ in true } ?? false
        }
    }
}
