// SwitchboardStore: workspace-scoped storage (DESIGN.md, "Storage").
//
// What callers see: the protocols `Store`, `WorkspaceStore` and the repositories
// (`ContactRepository`, `ConversationRepository`, `MessageRepository`,
// `EventRepository`, `PluginStateRepository`, `UserRepository`, `TokenRepository`,
// `SessionRepository`), their small input/result types, the
// records of SwitchboardCore, and `StoreError`. No SQL. `SQLiteStore` is the embedded
// implementation; `PostgresStore` (Postgres/) implements the same protocols on libpq.
//
// Isolation. There is no call that reads or writes workspace data without naming the
// workspace: every repository is reached through `store.workspace(id)`, and every query
// it runs binds that id. The schema backs this up (SQLiteSchema.swift): `workspace_id
// NOT NULL` on every row, composite foreign keys so that a row can only point at rows
// of its own workspace, indexes that lead with `workspace_id`.
//
// Durability. Writes commit with `synchronous=FULL` by default (`StoreOptions.durability`):
// the host acknowledges a webhook only after the commit, so a commit must survive a power
// cut, not only a crash of the process. `NORMAL` is offered for tests and benchmarks.
//
// Threads. One `SQLiteStore` is shared by all threads: one writer connection, used only
// by the store's writer thread, which runs every queued write in group commits (SQLite
// has one writer at a time anyway; see `SQLitePool`), a completion thread for
// `transactionAsync`, and a small pool of reader connections (WAL lets them read beside
// the writer). Other processes on the same file are waited for up to the busy timeout
// (5 s), after which a write fails with code `busy`.
//
// Transactions. Each repository call is its own transaction. `Store.transaction` and
// `WorkspaceStore.transaction` group calls explicitly: the body gets a handle
// (`StoreTransaction`, or a `WorkspaceStore` bound to the transaction), and the calls made
// through it, and through every workspace store and repository reached from it, are the
// transaction, whichever thread makes them (the handle carries the transaction's
// connection: `SQLiteScope.tx`, `PostgresScope.tx`; a body may hand it to another thread
// and wait). Helpers called from a body take the handle. A call through the handle that
// fails before changing a row (a refused transition) can be caught and the body carry on;
// one that fails after changing rows undoes the whole transaction, even if the body
// catches the error (calls have no savepoint of their own: one per call was half the
// statements of a message). A call made on the store itself by the thread running a body
// is not part of it and fails with `misuse` (on SQLite it would wait for the writer the
// transaction holds); a handle kept past its body fails the same way.
//
// Backends. What callers see is the same for every backend: `StoreError` carries a code
// and a message (the database's own error codes and file stay inside), group-commit
// figures come through the optional `StoreStatistics`, claims on queued work carry a
// lease and a `Claimer` (no start-up resets: several hosts may share a database), and the
// journal's ids are a cursor that never skips a late commit (`EventRepository`). The store
// tests take a backend (`init(backend:)`, `StoreBackend` in Tests/SwitchboardStoreTests)
// and run the same bodies on SQLite and PostgreSQL (`PostgresStoreSuites.swift`).
//
// Extending (the pipeline's queue and outbox): add files here, append migrations to
// `SQLiteSchema.migrations` (never edit a released one), build workspace-bound work on
// `SQLiteScope` (its `read`/`write`) so that queries keep binding `workspace_id` and run
// on the transaction's connection when the scope came through a handle (host-wide work:
// `SQLiteStore.read(tx)`/`write(tx)` with the repository's `tx`; PostgreSQL the same on
// `PostgresScope`/`PostgresStore`), never on the pool directly. Put the operations behind a protocol, as the
// repositories are, so that PostgreSQL can implement them too.
