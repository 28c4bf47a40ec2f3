/// Every storage failure: what went wrong, and on which database. `description` is one
/// line meant for a person, e.g. `data/x.db: file is not a database`.
///
/// Callers see `code`, `message` and `description` only: which database the error is
/// about and the backend's own error code (SQLite's result code, PostgreSQL's SQLSTATE)
/// stay inside the store, so that nothing outside it depends on one backend.
///
/// `code` is a struct with static members rather than an enum, so that new codes can be
/// added without breaking callers that switch on it.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file could not be opened or created (missing directory, permissions).
        public static let cannotOpen = Code("cannot_open")
        /// The file exists but is not an SQLite database.
        public static let notADatabase = Code("not_a_database")
        /// The database or its directory is not writable.
        public static let readOnly = Code("read_only")
        /// Another process held the write lock longer than the busy timeout.
        public static let busy = Code("busy")
        /// A constraint was violated (unknown workspace, duplicate key).
        public static let constraint = Code("constraint")
        /// The file is damaged.
        public static let corrupt = Code("corrupt")
        /// Disk full or an I/O error.
        public static let io = Code("io")
        /// The schema could not be brought up to date, or is newer than this program.
        public static let migration = Code("migration")
        /// A row named by id does not exist in this workspace.
        public static let notFound = Code("not_found")
        /// A conversation state change that the state machine does not allow.
        public static let invalidTransition = Code("invalid_transition")
        /// The same provider message id is already stored in another workspace.
        public static let conflict = Code("conflict")
        /// A stored row holds a value this program cannot read (e.g. an unknown kind).
        public static let unreadable = Code("unreadable")
        /// The store was used after `close()`, or in a way it does not support.
        public static let misuse = Code("misuse")
        /// Any other error of the database (the message has the details). Callers test
        /// `code` against the codes above; anything else is "the database failed".
        /// Inside the store each backend reports its own: `sqlite`, `postgres`.
        static let sqlite = Code("sqlite")
        static let postgres = Code("postgres")
    }

    public let code: Code
    public let message: String
    /// The database file the error is about (for PostgreSQL, its URL without the password).
    let path: String
    /// SQLite's extended result code, when the error came from SQLite.
    let sqliteCode: Int32?
    /// PostgreSQL's SQLSTATE (five characters), when the error came from PostgreSQL.
    let sqlState: String?

    init(_ code: Code, _ message: String, path: String, sqliteCode: Int32? = nil, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.sqliteCode = sqliteCode
        self.sqlState = sqlState
    }

    public var description: String { "\(path): \(message)" }

    /// Whether the database is away or busy rather than the request wrong: it could not be
    /// reached or opened, the connection was lost (a PostgreSQL server stopping or
    /// restarting, the network), an I/O error, a lock held too long. The same request may
    /// succeed later unchanged: a webhook answers 503 for these (the provider delivers it
    /// again), 500 for the rest.
    public var isUnavailable: Bool { code == .cannotOpen || code == .io || code == .busy }
}
