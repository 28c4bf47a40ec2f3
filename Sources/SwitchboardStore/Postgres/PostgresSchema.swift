import Foundation
import SwitchboardLog

/// The PostgreSQL schema as numbered migrations, one for each of `SQLiteSchema`'s with
/// the same number and name, so a database of either kind at version N holds the same
/// tables and `switchboard` can compare versions across backends. Written in PostgreSQL's
/// dialect (bigint times in milliseconds, `bigserial` for SQLite's integer keys, `bytea`
/// for blobs); where SQLite needed machinery of its own (FTS5 tables and triggers, indexes
/// filled in batches) the PostgreSQL migration does what PostgreSQL needs instead and says
/// so. Never edit a released migration: append.
///
/// Isolation as in SQLite: `workspace_id NOT NULL` on every workspace row, composite
/// foreign keys `(workspace_id, id)`, indexes that lead with `workspace_id`.
enum PostgresSchema {
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [SQLiteSchema.Migration] = [
        .init(version: 1, name: "base tables", sql: """
            CREATE TABLE workspaces (
                id          text PRIMARY KEY,
                name        text NOT NULL,
                region      text NOT NULL,
                timezone    text NOT NULL,
                active      bigint NOT NULL DEFAULT 1,
                config_hash text NOT NULL,
                created_at  bigint NOT NULL,
                updated_at  bigint NOT NULL
            );

            CREATE TABLE contacts (
                id           text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                e164         text NOT NULL,
                raw_phone    text,
                profile_name text,
                created_at   bigint NOT NULL,
                UNIQUE (workspace_id, e164),
                UNIQUE (workspace_id, id)
            );

            CREATE TABLE conversations (
                id              text PRIMARY KEY,
                workspace_id    text NOT NULL REFERENCES workspaces(id),
                channel_id      text NOT NULL,
                contact_id      text NOT NULL,
                state           text NOT NULL,
                assigned_to     text,
                last_inbound_at bigint,
                created_at      bigint NOT NULL,
                updated_at      bigint NOT NULL,
                UNIQUE (workspace_id, channel_id, contact_id),
                UNIQUE (workspace_id, id),
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            );

            CREATE TABLE messages (
                seq                 bigserial PRIMARY KEY,
                id                  text NOT NULL UNIQUE,
                workspace_id        text NOT NULL REFERENCES workspaces(id),
                conversation_id     text NOT NULL,
                channel_id          text NOT NULL,
                direction           text NOT NULL,
                kind                text NOT NULL,
                text                text,
                provider_message_id text,
                status              text,
                error_code          text,
                error_title         text,
                payload_json        text,
                created_at          bigint NOT NULL,
                updated_at          bigint NOT NULL,
                UNIQUE (channel_id, provider_message_id),
                UNIQUE (workspace_id, id),
                FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id)
            );

            CREATE TABLE events (
                id              bigserial PRIMARY KEY,
                workspace_id    text NOT NULL REFERENCES workspaces(id),
                conversation_id text,
                message_id      text,
                channel_id      text,
                kind            text NOT NULL,
                detail_json     text NOT NULL DEFAULT '{}',
                created_at      bigint NOT NULL
            );

            CREATE TABLE plugin_state (
                workspace_id text NOT NULL REFERENCES workspaces(id),
                plugin       text NOT NULL,
                key          text NOT NULL,
                value        bytea NOT NULL,
                updated_at   bigint NOT NULL,
                PRIMARY KEY (workspace_id, plugin, key)
            );
            """),

        .init(version: 2, name: "workspace-leading indexes", sql: """
            CREATE INDEX contacts_by_workspace ON contacts (workspace_id, created_at);
            CREATE INDEX conversations_by_activity ON conversations (workspace_id, updated_at DESC, id DESC);
            CREATE INDEX conversations_by_state ON conversations (workspace_id, state, updated_at DESC, id DESC);
            CREATE INDEX messages_by_conversation ON messages (workspace_id, conversation_id, seq);
            CREATE INDEX messages_by_provider_id ON messages (workspace_id, channel_id, provider_message_id);
            CREATE INDEX events_by_workspace ON events (workspace_id, id);
            CREATE INDEX events_by_conversation ON events (workspace_id, conversation_id, id);
            """),

        // PostgreSQL's own full-text search: a tsvector of each message's text, kept by
        // the server (a generated column), and a GIN index over it. The 'simple'
        // configuration: lower-cased words, no stemming and no stop words, whatever the
        // language, and letters folded to their base letter (`switchboard_fold`: crème
        // brûlée is found as creme brulee), as FTS5's unicode61 tokenizer with
        // remove_diacritics did. No extension needed (unaccent is one).
        .init(version: 3, name: "message full-text search", sql: """
            CREATE FUNCTION switchboard_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT translate(lower($1), 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ', 'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy') $$;
            ALTER TABLE messages ADD COLUMN search tsvector
                GENERATED ALWAYS AS (to_tsvector('simple', switchboard_fold(coalesce(text, '')))) STORED;
            CREATE INDEX messages_search ON messages USING gin (search);
            """),

        .init(version: 4, name: "inbound jobs, outbox, unrouted messages", sql: """
            CREATE TABLE inbound_jobs (
                id              bigserial PRIMARY KEY,
                workspace_id    text NOT NULL REFERENCES workspaces(id),
                conversation_id text NOT NULL,
                message_id      text NOT NULL,
                received_at     bigint NOT NULL,
                created_at      bigint NOT NULL,
                FOREIGN KEY (workspace_id, message_id) REFERENCES messages(workspace_id, id)
            );
            CREATE INDEX inbound_jobs_by_workspace ON inbound_jobs (workspace_id, conversation_id, id);

            CREATE TABLE outbox (
                id              bigserial PRIMARY KEY,
                workspace_id    text NOT NULL REFERENCES workspaces(id),
                conversation_id text NOT NULL,
                message_id      text NOT NULL,
                channel_id      text NOT NULL,
                recipient       text NOT NULL,
                kind            text NOT NULL,
                body_json       text NOT NULL,
                state           text NOT NULL,
                attempts        bigint NOT NULL DEFAULT 0,
                next_attempt_at bigint NOT NULL,
                last_error      text,
                received_at     bigint,
                created_at      bigint NOT NULL,
                FOREIGN KEY (workspace_id, message_id) REFERENCES messages(workspace_id, id)
            );
            CREATE INDEX outbox_claim ON outbox (channel_id, state, next_attempt_at, id);
            CREATE INDEX outbox_by_conversation ON outbox (workspace_id, conversation_id, id);

            CREATE TABLE unrouted (
                id                  bigserial PRIMARY KEY,
                channel_id          text,
                provider_address    text NOT NULL,
                provider_message_id text NOT NULL,
                sender              text,
                reason              text NOT NULL,
                payload_json        text NOT NULL,
                created_at          bigint NOT NULL,
                UNIQUE (provider_address, provider_message_id)
            );
            """),

        .init(version: 5, name: "users, API tokens, sessions", sql: """
            CREATE TABLE users (
                id            text PRIMARY KEY,
                workspace_id  text NOT NULL REFERENCES workspaces(id),
                email         text NOT NULL,
                role          text NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
                password_hash text NOT NULL,
                created_at    bigint NOT NULL,
                UNIQUE (workspace_id, email),
                UNIQUE (workspace_id, id)
            );
            CREATE INDEX users_by_workspace ON users (workspace_id, created_at, id);

            CREATE TABLE api_tokens (
                id           text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                name         text NOT NULL,
                token_hash   text NOT NULL UNIQUE,
                created_at   bigint NOT NULL,
                last_used_at bigint,
                UNIQUE (workspace_id, id)
            );
            CREATE INDEX api_tokens_by_workspace ON api_tokens (workspace_id, created_at, id);

            CREATE TABLE sessions (
                id_hash      text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                user_id      text NOT NULL,
                csrf_token   text NOT NULL,
                created_at   bigint NOT NULL,
                expires_at   bigint NOT NULL,
                FOREIGN KEY (workspace_id, user_id) REFERENCES users(workspace_id, id) ON DELETE CASCADE
            );
            CREATE INDEX sessions_by_user ON sessions (workspace_id, user_id, created_at);
            CREATE INDEX sessions_by_expiry ON sessions (workspace_id, expires_at);
            """),

        .init(version: 6, name: "outbox claims in id order", sql: """
            DROP INDEX outbox_claim;
            CREATE INDEX outbox_claim ON outbox (channel_id, state, id);
            """),

        // SQLite's per-commit batching of the full-text index has no counterpart: the
        // generated column and its GIN index (migration 3) are maintained by the server,
        // and GIN's pending list already batches index work. The indexes no query needs go.
        .init(version: 7, name: "fewer indexes per message; full-text indexing per commit", sql: """
            DROP INDEX messages_by_provider_id;
            DROP INDEX inbound_jobs_by_workspace;
            """),

        // SQLite's batched copy of the conversation journal avoided scattered page writes
        // in its single writer; PostgreSQL keeps the index `events_by_conversation`, which
        // the journal's reads use directly. Nothing to do.
        .init(version: 8, name: "conversation journal indexed in batches", sql: """
            SELECT 1;
            """),

        .init(version: 9, name: "outbox claims carry a lease", sql: """
            ALTER TABLE outbox ADD COLUMN lease_until bigint;
            ALTER TABLE outbox ADD COLUMN claims bigint NOT NULL DEFAULT 0;
            """),

        .init(version: 10, name: "retention progress per workspace", sql: """
            CREATE TABLE retention_progress (
                workspace_id text PRIMARY KEY REFERENCES workspaces(id),
                erased_seq   bigint NOT NULL
            );
            """),

        .init(version: 11, name: "canned replies, labels, contact profiles and notes", sql: """
            CREATE TABLE canned_replies (
                id           text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                shortcut     text NOT NULL,
                text         text NOT NULL,
                created_at   bigint NOT NULL,
                updated_at   bigint NOT NULL,
                UNIQUE (workspace_id, shortcut),
                UNIQUE (workspace_id, id)
            );

            CREATE TABLE labels (
                id           text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                name         text NOT NULL,
                color        text,
                created_at   bigint NOT NULL,
                UNIQUE (workspace_id, name),
                UNIQUE (workspace_id, id)
            );

            CREATE TABLE conversation_labels (
                workspace_id    text NOT NULL REFERENCES workspaces(id),
                conversation_id text NOT NULL,
                label_id        text NOT NULL,
                created_at      bigint NOT NULL,
                PRIMARY KEY (workspace_id, conversation_id, label_id),
                FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id),
                FOREIGN KEY (workspace_id, label_id) REFERENCES labels(workspace_id, id) ON DELETE CASCADE
            );
            CREATE INDEX conversation_labels_by_label ON conversation_labels (workspace_id, label_id, conversation_id);

            CREATE TABLE contact_profiles (
                workspace_id    text NOT NULL REFERENCES workspaces(id),
                contact_id      text NOT NULL,
                name            text,
                attributes_json text NOT NULL DEFAULT '{}',
                updated_at      bigint NOT NULL,
                PRIMARY KEY (workspace_id, contact_id),
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            );

            CREATE TABLE contact_notes (
                id           text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                contact_id   text NOT NULL,
                author       text NOT NULL,
                text         text NOT NULL,
                created_at   bigint NOT NULL,
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            );
            CREATE INDEX contact_notes_by_contact ON contact_notes (workspace_id, contact_id, created_at);

            CREATE INDEX conversations_by_contact ON conversations (workspace_id, contact_id);
            """),

        .init(version: 12, name: "token roles and expiry, audit trail, operators", sql: """
            ALTER TABLE api_tokens ADD COLUMN role text NOT NULL DEFAULT 'admin' CHECK (role IN ('owner', 'admin', 'agent'));
            ALTER TABLE api_tokens ADD COLUMN expires_at bigint;

            CREATE TABLE audit_log (
                id           bigserial PRIMARY KEY,
                workspace_id text,
                at           bigint NOT NULL,
                actor        text NOT NULL,
                action       text NOT NULL,
                summary      text NOT NULL
            );
            CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, id);

            CREATE TABLE operators (
                id            text PRIMARY KEY,
                email         text NOT NULL UNIQUE,
                password_hash text NOT NULL,
                created_at    bigint NOT NULL
            );
            CREATE TABLE invites (
                id           text PRIMARY KEY,
                workspace_id text NOT NULL REFERENCES workspaces(id),
                email        text NOT NULL,
                role         text NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
                token_hash   text NOT NULL UNIQUE,
                created_by   text NOT NULL,
                created_at   bigint NOT NULL,
                expires_at   bigint NOT NULL,
                accepted_at  bigint,
                UNIQUE (workspace_id, id)
            );
            CREATE INDEX invites_by_workspace ON invites (workspace_id, created_at, id);

            CREATE TABLE operator_tokens (
                id           text PRIMARY KEY,
                operator_id  text NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
                name         text NOT NULL,
                token_hash   text NOT NULL UNIQUE,
                created_at   bigint NOT NULL,
                expires_at   bigint
            );
            """),

        .init(version: 13, name: "message templates and stored media", sql: """
            CREATE TABLE message_templates (
                channel_id        text NOT NULL,
                name              text NOT NULL,
                language          text NOT NULL,
                status            text NOT NULL,
                category          text NOT NULL,
                provider_id       text,
                body_text         text NOT NULL,
                header_parameters bigint NOT NULL,
                body_parameters   bigint NOT NULL,
                media_header      text,
                components_json   text NOT NULL,
                synced_at         bigint NOT NULL,
                PRIMARY KEY (channel_id, name, language)
            );
            CREATE TABLE media_files (
                workspace_id      text NOT NULL REFERENCES workspaces(id),
                message_id        text NOT NULL,
                sha256            text NOT NULL,
                mime_type         text NOT NULL,
                size              bigint NOT NULL,
                filename          text,
                origin            text NOT NULL,
                created_at        bigint NOT NULL,
                deleted_at        bigint,
                PRIMARY KEY (workspace_id, message_id),
                FOREIGN KEY (workspace_id, message_id) REFERENCES messages(workspace_id, id)
            );
            CREATE INDEX media_files_by_age ON media_files(workspace_id, created_at);
            """),

        .init(version: 14, name: "channel status", sql: """
            CREATE TABLE channel_status (
                channel_id text PRIMARY KEY,
                state      text NOT NULL,
                reason     text,
                since      bigint NOT NULL,
                updated_at bigint NOT NULL
            );
            """),

        .init(version: 15, name: "contact aliases (LID, business-scoped user id)", sql: """
            CREATE TABLE contact_aliases (
                workspace_id text NOT NULL REFERENCES workspaces(id),
                kind         text NOT NULL CHECK (kind IN ('lid', 'bsuid')),
                value        text NOT NULL,
                contact_id   text NOT NULL,
                created_at   bigint NOT NULL,
                PRIMARY KEY (workspace_id, kind, value),
                FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
            );
            CREATE INDEX contact_aliases_by_contact ON contact_aliases (workspace_id, contact_id);
            """),

        // SQLite's 16: claims name their claimer (`Claimer`) and inbound jobs are leased
        // like outbox entries; rows from before have no claimer and no lease (claimable
        // at once). The journal's cursor needs no schema: `PostgresEventRepository`
        // orders each workspace's appends by a transaction-long advisory lock.
        .init(version: 16, name: "claims name their claimer; inbound jobs are leased", sql: """
            ALTER TABLE outbox ADD COLUMN claimed_by text;
            ALTER TABLE inbound_jobs ADD COLUMN claimed_by text;
            ALTER TABLE inbound_jobs ADD COLUMN lease_until bigint;
            ALTER TABLE inbound_jobs ADD COLUMN claims bigint NOT NULL DEFAULT 0;
            """),

        // SQLite's 17: each host's heartbeat (`HostHeartbeat`), in milliseconds of the
        // database server's clock (hosts' clocks may disagree; the server's is one).
        .init(version: 17, name: "host heartbeats", sql: """
            CREATE TABLE host_heartbeats (
                host_id    text PRIMARY KEY,
                host_name  text NOT NULL,
                started_at bigint NOT NULL,
                beat_at    bigint NOT NULL
            );
            """),

        // Which host supervises a live session until when (`ChannelLeasing`); times are
        // the server's clock, in milliseconds, so hosts' clocks need not agree.
        .init(version: 18, name: "channel supervision leases", sql: """
            CREATE TABLE channel_leases (
                channel_id  text PRIMARY KEY,
                holder      text NOT NULL,
                expires_at  bigint NOT NULL,
                acquired_at bigint NOT NULL
            );
            """),


        // The meters several hosts share (`PostgresLimits`, `Meter` in Core): a channel's
        // rate and pair spacing, its breaker, failed logins. Host-wide rows have the
        // scope ''; a workspace's rows its id. Times in seconds since 1970 as float8 (the
        // meters' sums are fractional); `granted` says whether the last take poured.
        // `sb_meter_level` is `Meter.level(at:)`: the level drained to `now`, 0 once expired.
        .init(version: 19, name: "shared limits", sql: """
            CREATE TABLE shared_limits (
                scope      text NOT NULL,
                name       text NOT NULL,
                level      float8 NOT NULL,
                at         float8 NOT NULL,
                granted    boolean NOT NULL DEFAULT true,
                expires_at float8 NOT NULL,
                PRIMARY KEY (scope, name)
            );
            CREATE INDEX shared_limits_by_expiry ON shared_limits (expires_at);
            CREATE FUNCTION sb_meter_level(level float8, at float8, expires_at float8, now float8, drain float8)
                RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
                SELECT CASE WHEN expires_at <= now THEN 0::float8
                            ELSE greatest(0::float8, level - greatest(0::float8, now - at) * drain) END
            $$;
            """),

        // A worker asks, for every job, whether an earlier job of its conversation is
        // still pending (`hasEarlierInbound`: another host's, or a dead host's). Migration
        // 7 dropped the index that answered it, and the look-up became a scan of every
        // pending job: the same 0.1 ms with 1,000 pending, 0.6 ms with 10,000 (pgbench,
        // bench/README "Several hosts on PostgreSQL"), paid by each job of a backlog, which
        // is when there are thousands (a host down, the database back after an outage).
        .init(version: 20, name: "pending jobs by conversation", sql: """
            CREATE INDEX inbound_jobs_by_conversation ON inbound_jobs (workspace_id, conversation_id, id);
            """),
    ]
}

/// Brings a PostgreSQL database up to a schema version, one migration per transaction,
/// under an advisory lock: several hosts starting at once apply each migration once (the
/// others wait, then find the work done).
enum PostgresMigrator {
    /// The advisory lock's key (any constant of our own: "sbmigr" in ASCII).
    static let lockKey: Int64 = 0x7362_6d69_6772

    static func currentVersion(_ db: PostgresDB) throws(StoreError) -> Int {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    bigint PRIMARY KEY,
                name       text NOT NULL,
                applied_at bigint NOT NULL
            )
            """)
        return Int(try db.queryOne("SELECT coalesce(max(version), 0) FROM schema_migrations") { $0.int64(0) } ?? 0)
    }

    @discardableResult
    static func migrate(_ db: PostgresDB, to target: Int = PostgresSchema.latestVersion,
                        now: () -> Date, logger: Logger?) throws(StoreError) -> SQLiteMigrator.Outcome {
        try db.run("SELECT pg_advisory_lock(?)", [lockKey])
        defer { _ = try? db.run("SELECT pg_advisory_unlock(?)", [lockKey]) }
        let start = try currentVersion(db)
        if start > PostgresSchema.latestVersion {
            throw StoreError(
                .migration,
                "database schema is version \(start), newer than this switchboard knows (\(PostgresSchema.latestVersion)); upgrade switchboard",
                path: db.path)
        }
        var version = start
        while version < target {
            let migration = PostgresSchema.migrations[version] // versions are 1...n in order
            precondition(migration.version == version + 1, "migrations must be numbered 1, 2, 3, ...")
            do {
                try db.execute("BEGIN")
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                           [migration.version, migration.name, now()])
                try db.execute("COMMIT")
            } catch let error as StoreError {
                try? db.execute("ROLLBACK")
                if error.code == .io || error.code == .cannotOpen { throw error }
                throw StoreError(.migration, "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                                 path: db.path, sqlState: error.sqlState)
            }
            logger?.info("schema migrated", ["version": String(migration.version), "name": migration.name])
            version = migration.version
        }
        return SQLiteMigrator.Outcome(from: start, to: version)
    }
}
