/// The SQLite schema as numbered migrations. A migration is never edited once released:
/// changes are new migrations appended at the end. `schema_migrations` records what ran
/// (and `PRAGMA user_version` mirrors the latest, for `sqlite3` users).
///
/// Isolation is in the schema as well as in the API: every domain row carries a
/// `workspace_id NOT NULL` referencing `workspaces`, and rows that point at other rows
/// do so through composite keys `(workspace_id, id)`, so that a conversation cannot
/// name another workspace's contact, nor a message another workspace's conversation.
/// Indexes used by queries lead with `workspace_id`. The only indexes that do not are
/// the global identities: primary keys, and `UNIQUE(channel_id, provider_message_id)`,
/// which deduplicates a provider's message across workspaces (a redelivered webhook
/// routed elsewhere after a config change must still be recognised) and also finds a
/// workspace's message by provider id (the workspace then filters the one row).
enum SQLiteSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "base tables", sql: """
            CREATE TABLE workspaces (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                region      TEXT NOT NULL,
                timezone    TEXT NOT NULL,
                active      INTEGER NOT NULL DEFAULT 1,
                config_hash TEXT NOT NULL,
                created_at  INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL
            );

            CREATE TABLE contacts (
                id           TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                e164         TEXT NOT NULL,
                raw_phone    TEXT,
                profile_name TEXT,
                created_at   INTEGER NOT NULL,
                UNIQUE (workspace_id, e164),
                UNIQUE (workspace_id, id)
            );

            CREATE TABLE conversations (
                id              TEXT PRIMARY KEY,
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                channel_id      TEXT NOT NULL,
                contact_id      TEXT NOT NULL,
                state           TEXT NOT NULL,
                assigned_to     TEXT,
                last_inbound_at INTEGER,
                created_at      INTEGER NOT NULL,
                updated_at      INTEGER NOT NULL,
                UNIQUE (workspace_id, channel_id, contact_id),
                UNIQUE (workspace_id, id),
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            );

            CREATE TABLE messages (
                seq                 INTEGER PRIMARY KEY,
                id                  TEXT NOT NULL UNIQUE,
                workspace_id        TEXT NOT NULL REFERENCES workspaces(id),
                conversation_id     TEXT NOT NULL,
                channel_id          TEXT NOT NULL,
                direction           TEXT NOT NULL,
                kind                TEXT NOT NULL,
                text                TEXT,
                provider_message_id TEXT,
                status              TEXT,
                error_code          TEXT,
                error_title         TEXT,
                payload_json        TEXT,
                created_at          INTEGER NOT NULL,
                updated_at          INTEGER NOT NULL,
                UNIQUE (channel_id, provider_message_id),
                UNIQUE (workspace_id, id),
                FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id)
            );

            CREATE TABLE events (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                conversation_id TEXT,
                message_id      TEXT,
                channel_id      TEXT,
                kind            TEXT NOT NULL,
                detail_json     TEXT NOT NULL DEFAULT '{}',
                created_at      INTEGER NOT NULL
            );

            CREATE TABLE plugin_state (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                plugin       TEXT NOT NULL,
                key          TEXT NOT NULL,
                value        BLOB NOT NULL,
                updated_at   INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, plugin, key)
            );
            """),

        Migration(version: 2, name: "workspace-leading indexes", sql: """
            CREATE INDEX contacts_by_workspace ON contacts (workspace_id, created_at);
            CREATE INDEX conversations_by_activity ON conversations (workspace_id, updated_at DESC, id DESC);
            CREATE INDEX conversations_by_state ON conversations (workspace_id, state, updated_at DESC, id DESC);
            CREATE INDEX messages_by_conversation ON messages (workspace_id, conversation_id, seq);
            CREATE INDEX messages_by_provider_id ON messages (workspace_id, channel_id, provider_message_id);
            CREATE INDEX events_by_workspace ON events (workspace_id, id);
            CREATE INDEX events_by_conversation ON events (workspace_id, conversation_id, id);
            """),

        // External-content FTS5 over messages.text, keyed by messages.seq (an integer
        // primary key, so VACUUM cannot renumber it), kept in sync by triggers. The
        // 'rebuild' indexes messages stored before this migration.
        Migration(version: 3, name: "message full-text search", sql: """
            CREATE VIRTUAL TABLE messages_fts USING fts5(
                text, content='messages', content_rowid='seq',
                tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
            END;
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
            END;
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
                INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
            END;
            INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
            """),

        // The pipeline's durable queues. Rows live only while work is pending: a job is
        // deleted with its outcome, an outbox entry once sent or failed for good (the
        // message keeps the result). Claims read by channel, across workspaces (a shared
        // channel's sender serves several), so the claim index leads with channel_id; the
        // per-conversation order check leads with workspace_id.
        Migration(version: 4, name: "inbound jobs, outbox, unrouted messages", sql: """
            CREATE TABLE inbound_jobs (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                conversation_id TEXT NOT NULL,
                message_id      TEXT NOT NULL,
                received_at     INTEGER NOT NULL,
                created_at      INTEGER NOT NULL,
                FOREIGN KEY (workspace_id, message_id) REFERENCES messages(workspace_id, id)
            );
            CREATE INDEX inbound_jobs_by_workspace ON inbound_jobs (workspace_id, conversation_id, id);

            CREATE TABLE outbox (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                conversation_id TEXT NOT NULL,
                message_id      TEXT NOT NULL,
                channel_id      TEXT NOT NULL,
                recipient       TEXT NOT NULL,
                kind            TEXT NOT NULL,
                body_json       TEXT NOT NULL,
                state           TEXT NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error      TEXT,
                received_at     INTEGER,
                created_at      INTEGER NOT NULL,
                FOREIGN KEY (workspace_id, message_id) REFERENCES messages(workspace_id, id)
            );
            CREATE INDEX outbox_claim ON outbox (channel_id, state, next_attempt_at, id);
            CREATE INDEX outbox_by_conversation ON outbox (workspace_id, conversation_id, id);

            CREATE TABLE unrouted (
                id                  INTEGER PRIMARY KEY AUTOINCREMENT,
                channel_id          TEXT,
                provider_address    TEXT NOT NULL,
                provider_message_id TEXT NOT NULL,
                sender              TEXT,
                reason              TEXT NOT NULL,
                payload_json        TEXT NOT NULL,
                created_at          INTEGER NOT NULL,
                UNIQUE (provider_address, provider_message_id)
            );
            """),

        // People and access: inbox users, API tokens and browser sessions, each row of
        // one workspace. Tokens and session ids are stored as SHA-256 hashes; their
        // UNIQUE/PRIMARY KEY on the hash is the one global lookup (the credential names
        // its workspace). A session can only belong to a user of its own workspace, and
        // goes with the user. Failed logins are counted in memory (LoginRateLimiter).
        Migration(version: 5, name: "users, API tokens, sessions", sql: """
            CREATE TABLE users (
                id            TEXT PRIMARY KEY,
                workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
                email         TEXT NOT NULL,
                role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
                password_hash TEXT NOT NULL,
                created_at    INTEGER NOT NULL,
                UNIQUE (workspace_id, email),
                UNIQUE (workspace_id, id)
            );
            CREATE INDEX users_by_workspace ON users (workspace_id, created_at, id);

            CREATE TABLE api_tokens (
                id           TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                name         TEXT NOT NULL,
                token_hash   TEXT NOT NULL UNIQUE,
                created_at   INTEGER NOT NULL,
                last_used_at INTEGER,
                UNIQUE (workspace_id, id)
            );
            CREATE INDEX api_tokens_by_workspace ON api_tokens (workspace_id, created_at, id);

            CREATE TABLE sessions (
                id_hash      TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                user_id      TEXT NOT NULL,
                csrf_token   TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                expires_at   INTEGER NOT NULL,
                FOREIGN KEY (workspace_id, user_id) REFERENCES users(workspace_id, id) ON DELETE CASCADE
            );
            CREATE INDEX sessions_by_user ON sessions (workspace_id, user_id, created_at);
            CREATE INDEX sessions_by_expiry ON sessions (workspace_id, expires_at);
            """),

        // Claims walk a channel's queued entries in id order and stop at the first few
        // that are due and first in their conversation: an index in that order makes a
        // claim cost the entries it looks at, not a sort of the whole backlog (which,
        // inside the writer's transaction, held every other write back under load).
        Migration(version: 6, name: "outbox claims in id order", sql: """
            DROP INDEX outbox_claim;
            CREATE INDEX outbox_claim ON outbox (channel_id, state, id);
            """),

        // Every message costs a write to each of its indexes, most of them on a page of
        // their own (provider ids and conversations are scattered): indexes no query
        // needs go. A provider id is looked up through UNIQUE(channel_id,
        // provider_message_id) (workspace_id then filters the one row); inbound jobs are
        // read and deleted by id only.
        //
        // New messages are added to the full-text index once per commit, not by a
        // trigger per row: FTS5 writes its pending terms out at every savepoint, and each
        // store call inside a transaction is one, so the trigger made a tiny index segment
        // (and merge work) per message. `search_progress` holds the last `seq` indexed; the
        // store's writer indexes the rows after it just before each COMMIT
        // (`SQLiteStore.indexNewMessages`), in the same transaction. The update and delete
        // triggers stay, for rows already indexed.
        Migration(version: 7, name: "fewer indexes per message; full-text indexing per commit", sql: """
            DROP INDEX messages_by_provider_id;
            DROP INDEX inbound_jobs_by_workspace;
            DROP TRIGGER messages_fts_insert;
            DROP TRIGGER messages_fts_delete;
            DROP TRIGGER messages_fts_update;
            CREATE TABLE search_progress (
                id          INTEGER PRIMARY KEY CHECK (id = 1),
                indexed_seq INTEGER NOT NULL
            );
            INSERT INTO search_progress (id, indexed_seq) VALUES (1, (SELECT coalesce(max(seq), 0) FROM messages));
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
            WHEN old.seq <= (SELECT indexed_seq FROM search_progress) BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
            END;
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
            WHEN old.seq <= (SELECT indexed_seq FROM search_progress) BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
                INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
            END;
            """),

        // A conversation's journal was found through the index events_by_conversation,
        // whose entries are scattered (conversations are old, events new): each of a
        // message's five or so events wrote a page of its own, the largest share of the
        // pages a message wrote (28 % of WAL frames, measured). `conversation_events` is
        // the same lookup, filled in batches: the store's writer copies the events after
        // `journal_progress.indexed_event_id` just before a commit at most every 200 ms
        // (`SQLiteStore.indexConversationJournal`), so a conversation's events of that
        // interval share its page. Reads combine the table with the events not yet copied
        // (a range of `events_by_workspace`). Events are never deleted.
        Migration(version: 8, name: "conversation journal indexed in batches", sql: """
            CREATE TABLE conversation_events (
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                conversation_id TEXT NOT NULL,
                event_id        INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, conversation_id, event_id)
            ) WITHOUT ROWID;
            INSERT INTO conversation_events (workspace_id, conversation_id, event_id)
            SELECT workspace_id, conversation_id, id FROM events WHERE conversation_id IS NOT NULL;
            CREATE TABLE journal_progress (
                id               INTEGER PRIMARY KEY CHECK (id = 1),
                indexed_event_id INTEGER NOT NULL
            );
            INSERT INTO journal_progress (id, indexed_event_id) VALUES (1, (SELECT coalesce(max(id), 0) FROM events));
            DROP INDEX events_by_conversation;
            """),

        // Claims carry a lease: `lease_until` is when a claim's hold on a `sending` entry
        // runs out, after which the next claim takes the entry again (a sender that died,
        // a host that stopped answering, bookkeeping that never got written), without a
        // restart and without assuming one process. `claims` numbers the claims of an
        // entry, so a retry or release from a claim whose lease was taken over changes
        // nothing. Entries left `sending` by an older binary have no lease: due at once.
        Migration(version: 9, name: "outbox claims carry a lease", sql: """
            ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
            ALTER TABLE outbox ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
            """),

        // Data care: how far each workspace's retention sweep has emptied old messages
        // (`DataCareRepository.expireContent`), so a sweep reads only newer rows.
        Migration(version: 10, name: "retention progress per workspace", sql: """
            CREATE TABLE retention_progress (
                workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
                erased_seq   INTEGER NOT NULL
            );
            """),

        // The inbox's tools (issue 13): canned replies and labels, managed by a
        // workspace's admins; labels on conversations (a label goes with its
        // conversations' links); a contact's profile as agents edit it (a name of their
        // own, custom attributes) beside the provider's, and notes about the contact. Every
        // row is one workspace's, and links are composite keys, as everywhere.
        Migration(version: 11, name: "canned replies, labels, contact profiles and notes", sql: """
            CREATE TABLE canned_replies (
                id           TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                shortcut     TEXT NOT NULL,
                text         TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                updated_at   INTEGER NOT NULL,
                UNIQUE (workspace_id, shortcut),
                UNIQUE (workspace_id, id)
            );

            CREATE TABLE labels (
                id           TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                name         TEXT NOT NULL,
                color        TEXT,
                created_at   INTEGER NOT NULL,
                UNIQUE (workspace_id, name),
                UNIQUE (workspace_id, id)
            );

            CREATE TABLE conversation_labels (
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                conversation_id TEXT NOT NULL,
                label_id        TEXT NOT NULL,
                created_at      INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, conversation_id, label_id),
                FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id),
                FOREIGN KEY (workspace_id, label_id) REFERENCES labels(workspace_id, id) ON DELETE CASCADE
            ) WITHOUT ROWID;
            CREATE INDEX conversation_labels_by_label ON conversation_labels (workspace_id, label_id, conversation_id);

            CREATE TABLE contact_profiles (
                workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
                contact_id      TEXT NOT NULL,
                name            TEXT,
                attributes_json TEXT NOT NULL DEFAULT '{}',
                updated_at      INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, contact_id),
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            ) WITHOUT ROWID;

            CREATE TABLE contact_notes (
                id           TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                contact_id   TEXT NOT NULL,
                author       TEXT NOT NULL,
                text         TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            );
            CREATE INDEX contact_notes_by_contact ON contact_notes (workspace_id, contact_id, created_at);

            CREATE INDEX conversations_by_contact ON conversations (workspace_id, contact_id);
            """),

        // Administration (issue 14). API tokens carry the role they act with (tokens
        // made before this acted as admin) and an optional expiry. The audit trail:
        // every change of config, people or access, with who made it (`actor`: a user,
        // a token, an operator or "file") and a summary; `workspace_id` is NULL for
        // host-level changes. Operators: host-level accounts above the workspaces.
        // Invites: a link (its token stored as SHA-256) that lets a person set their
        // password and become a user of the workspace with the role chosen.
        Migration(version: 12, name: "token roles and expiry, audit trail, operators", sql: """
            ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('owner', 'admin', 'agent'));
            ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;

            CREATE TABLE audit_log (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                workspace_id TEXT,
                at           INTEGER NOT NULL,
                actor        TEXT NOT NULL,
                action       TEXT NOT NULL,
                summary      TEXT NOT NULL
            );
            CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, id);

            CREATE TABLE operators (
                id            TEXT PRIMARY KEY,
                email         TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                created_at    INTEGER NOT NULL
            );
            CREATE TABLE invites (
                id           TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                email        TEXT NOT NULL,
                role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
                token_hash   TEXT NOT NULL UNIQUE,
                created_by   TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                expires_at   INTEGER NOT NULL,
                accepted_at  INTEGER,
                UNIQUE (workspace_id, id)
            );
            CREATE INDEX invites_by_workspace ON invites (workspace_id, created_at, id);

            CREATE TABLE operator_tokens (
                id           TEXT PRIMARY KEY,
                operator_id  TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
                name         TEXT NOT NULL,
                token_hash   TEXT NOT NULL UNIQUE,
                created_at   INTEGER NOT NULL,
                expires_at   INTEGER
            );
            """),

        // Message templates of each WhatsApp channel's business account, as last synced
        // from the Graph API (a cache of the provider's list: a sync replaces a
        // channel's rows). Media files of messages: inbound media downloaded on arrival
        // and agents' attachments, kept under the media folder by SHA-256 (the bytes
        // are files, not rows); `deleted_at` marks a file removed by retention.
        Migration(version: 13, name: "message templates and stored media", sql: """
            CREATE TABLE message_templates (
                channel_id        TEXT NOT NULL,
                name              TEXT NOT NULL,
                language          TEXT NOT NULL,
                status            TEXT NOT NULL,
                category          TEXT NOT NULL,
                provider_id       TEXT,
                body_text         TEXT NOT NULL,
                header_parameters INTEGER NOT NULL,
                body_parameters   INTEGER NOT NULL,
                media_header      TEXT,
                components_json   TEXT NOT NULL,
                synced_at         INTEGER NOT NULL,
                PRIMARY KEY (channel_id, name, language)
            ) WITHOUT ROWID;
            CREATE TABLE media_files (
                workspace_id      TEXT NOT NULL REFERENCES workspaces(id),
                message_id        TEXT NOT NULL,
                sha256            TEXT NOT NULL,
                mime_type         TEXT NOT NULL,
                size              INTEGER NOT NULL,
                filename          TEXT,
                origin            TEXT NOT NULL,
                created_at        INTEGER NOT NULL,
                deleted_at        INTEGER,
                PRIMARY KEY (workspace_id, message_id),
                FOREIGN KEY (workspace_id, message_id) REFERENCES messages(workspace_id, id)
            ) WITHOUT ROWID;
            CREATE INDEX media_files_by_age ON media_files(workspace_id, created_at);
            """),

        // Each channel's last state, written by the host running it on every change
        // (the changes themselves are journalled in the channel's workspaces): what
        // `switchboard channels` shows. Host-wide, like the channels.
        Migration(version: 14, name: "channel status", sql: """
            CREATE TABLE channel_status (
                channel_id TEXT PRIMARY KEY,
                state      TEXT NOT NULL,
                reason     TEXT,
                since      INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            """),

        // One person, one contact: the addresses of a contact besides its key (a WhatsApp
        // LID, the Cloud API's business-scoped user id), so that a message from any of
        // them finds the same contact (`Contacts+Identities+SQLite.swift`). Workspace-scoped
        // like the contacts: the same LID in two workspaces is two people's business.
        Migration(version: 15, name: "contact aliases (LID, business-scoped user id)", sql: """
            CREATE TABLE contact_aliases (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                kind         TEXT NOT NULL CHECK (kind IN ('lid', 'bsuid')),
                value        TEXT NOT NULL,
                contact_id   TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, kind, value),
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            ) WITHOUT ROWID;
            CREATE INDEX contact_aliases_by_contact ON contact_aliases (workspace_id, contact_id);
            """),

        // Claims name their claimer (`Claimer`), and inbound jobs are claimed like outbox
        // entries: the start-up resets (outbox entries left `sending`, every inbound job
        // reloaded) assumed one process on the database; now a claim is void when its
        // lease ran out or its claimer died. Rows from before have no claimer and no
        // lease: claimable at once.
        Migration(version: 16, name: "claims name their claimer; inbound jobs are leased", sql: """
            ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
            ALTER TABLE inbound_jobs ADD COLUMN claimed_by TEXT;
            ALTER TABLE inbound_jobs ADD COLUMN lease_until INTEGER;
            ALTER TABLE inbound_jobs ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
            """),

        // Hosts' heartbeats (issue 15): each PostgreSQL host writes its row every few
        // seconds (`HostHeartbeat`), and a claim whose claimer's beat is older than the
        // threshold is void at once instead of after its lease. SQLite tells a claimer's
        // death from /proc (`Claimer`) and leaves the table empty; it is here so that
        // both schemas stay one list of numbered migrations.
        Migration(version: 17, name: "host heartbeats", sql: """
            CREATE TABLE host_heartbeats (
                host_id    TEXT PRIMARY KEY,
                host_name  TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                beat_at    INTEGER NOT NULL
            );
            """),

        // Which host supervises a live session (WhatsApp Web) until when. Used where
        // several hosts share the database (PostgreSQL, `ChannelLeasing`); one SQLite host
        // always supervises its channels and leaves the table empty (kept for the same
        // schema on both, e.g. to copy an installation across).
        Migration(version: 18, name: "channel supervision leases", sql: """
            CREATE TABLE channel_leases (
                channel_id  TEXT PRIMARY KEY,
                holder      TEXT NOT NULL,
                expires_at  INTEGER NOT NULL,
                acquired_at INTEGER NOT NULL
            );
            """),


        // Limits several hosts must agree on (rates, pair spacing, breakers, failed
        // logins: `LimitRepository`). On SQLite there is one host, and its meters live in
        // the process (`LocalLimits`): nothing to create. The number keeps the two
        // backends' versions equal (PostgreSQL creates `shared_limits`).
        Migration(version: 19, name: "shared limits", sql: """
            SELECT 1;
            """),
        // PostgreSQL's index for `hasEarlierInbound`; one host owns a SQLite database, so
        // its jobs of a conversation run in order in memory and the question is never
        // asked of the table. Nothing to do.
        Migration(version: 20, name: "pending jobs by conversation", sql: """
            SELECT 1;
            """),
    ]
}
