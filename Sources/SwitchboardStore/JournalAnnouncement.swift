import SwitchboardCore
import SwitchboardLog

/// What a store that several hosts share tells each host about the journal: an event was
/// appended in a workspace (by any host), or "look at everything" (the announcements
/// were not heard for a while: at the listener's first connection and after each
/// reconnection). A host reacts by reading the journal after its own cursor, so an
/// announcement is only ever a wake-up, never the data, and a lost one costs nothing
/// once the next "everything" arrives.
public enum JournalAnnouncement: Sendable, Equatable {
    case appended(WorkspaceID, eventID: Int64)
    case everything

    /// The PostgreSQL channel the journal is announced on (NOTIFY reaches the listeners
    /// of the same database only, so every host of one installation hears it).
    public static let channel = "switchboard_journal"

    /// The NOTIFY payload `"<event id> <workspace>"`; nil for any other text.
    public init?(payload: String) {
        guard let space = payload.firstIndex(of: " "), let id = Int64(payload[..<space]) else { return nil }
        let workspace = payload[payload.index(after: space)...]
        guard !workspace.isEmpty else { return nil }
        self = .appended(WorkspaceID(String(workspace)), eventID: id)
    }
}

/// A store whose journal appends are announced to every host sharing it (PostgreSQL:
/// `LISTEN`/`NOTIFY`). SQLite is one host's file and announces nothing.
public protocol JournalAnnouncing: AnyObject, Sendable {
    /// Starts listening: `hear` is called on the listener's own thread for each
    /// announcement, in the order the commits were announced. Returns the listener, to
    /// stop when the host stops.
    func listenToJournal(logger: Logger?, _ hear: @escaping @Sendable (JournalAnnouncement) -> Void) -> any JournalListening
}

/// A running journal listener.
public protocol JournalListening: AnyObject, Sendable {
    /// How many times it has connected (1 after the first connection; more after the
    /// server dropped it and it came back).
    var connections: Int { get }
    /// Stops listening and closes its connection; returns once its thread ended.
    func stop()
}
