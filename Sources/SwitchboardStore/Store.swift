import SwitchboardCore
import Synchronization

/// What both the store and a transaction's handle offer: the workspaces and, through
/// `workspace(_:)`, everything that belongs to one of them, and the host-wide
/// repositories. Through a `Store` each call is its own transaction; through a
/// `StoreTransaction` every call is part of that transaction.
///
/// Every method may throw `StoreError`.
public protocol StoreAccess: Sendable {
    /// The data of one workspace. Cheap: no I/O until a repository is used. A workspace
    /// that was never synced exists for reads (everything is empty) but writes fail
    /// with `StoreError.Code.constraint`.
    func workspace(_ id: WorkspaceID) -> any WorkspaceStore

    /// Routing of delivery reports: which workspace holds the message with this provider
    /// id on this channel (a status webhook names only the channel and the provider id,
    /// and a shared channel serves several workspaces). Returns only the workspace id;
    /// the message itself is then read through that workspace.
    func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID?

    /// The pipeline's queues across workspaces (claims by workers and channel senders).
    var queue: any QueueStore { get }

    /// WhatsApp channels' message templates (per channel, synced from the provider).
    var templates: any TemplateStore { get }

    /// Each channel's last recorded state (`switchboard channels`).
    var channelStatus: any ChannelStatusRepository { get }

    /// Every stored workspace, active or not, by id.
    func workspaces() throws -> [Workspace]

    /// Credential lookups: which workspace an API token belongs to, by the SHA-256 of the
    /// token (SwitchboardAuth's `Secrets.hash`). Global by nature, since the credential
    /// names the workspace; everything read after it goes through `workspace(_:)`.
    func authenticate(tokenHash: String) throws -> (WorkspaceID, TokenRecord)?

    /// Which workspace and user a browser session belongs to, by the SHA-256 of the
    /// session id. Returns expired sessions too: the caller's clock decides.
    func authenticate(sessionHash: String) throws -> (WorkspaceID, SessionRecord)?

    /// The host's own audit trail: changes above any one workspace (a reload of the host
    /// config, operator accounts, workspaces created).
    var hostAudit: any AuditRepository { get }

    /// The workspace and invite an invite link's token belongs to, by the token's SHA-256
    /// (accepted and expired ones too: the caller decides).
    func invite(tokenHash: String) throws -> (WorkspaceID, InviteRecord)?

    /// The host's operators (accounts above the workspaces) and their tokens.
    var operators: any OperatorRepository { get }
}

/// One open transaction, as the handle `Store.transaction` gives its body: every call
/// made through it (and through the workspace stores and repositories reached from it)
/// is part of the transaction and commits with it or not at all, whichever thread makes
/// it. The handle is valid only until the body returns; a call after that fails with
/// `StoreError.Code.misuse`. It may be handed to another thread while the body waits for
/// that thread (calls through it are serialised), never kept.
public protocol StoreTransaction: StoreAccess {
    /// Runs `body` inside this transaction (a nested transaction joins the outer one:
    /// there is no savepoint of its own, see `Store.transaction`).
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

/// The storage of one host: the workspaces and, through `workspace(_:)`, everything
/// that belongs to one of them. Implementations are thread-safe.
///
/// Every method may throw `StoreError`.
public protocol Store: AnyObject, StoreAccess {
    /// Makes stored workspaces match the configured ones: creates new ones, updates
    /// changed ones (name, region, time zone, config hash), reactivates returning ones,
    /// and marks those no longer configured inactive. Nothing is deleted. Each change is
    /// journalled as a `workspace_synced` event of that workspace, in one transaction.
    func syncWorkspaces(_ configured: [WorkspaceDefinition]) throws -> SyncReport

    /// The limits hosts must agree on (rates, breakers, failed logins): in the process on
    /// SQLite, shared through the database on PostgreSQL. One instance per store.
    var limits: any LimitRepository { get }

    /// Runs `body` as one transaction and returns once it is committed: every store call
    /// the body makes through the handle it is given (`tx.workspace(id).messages...`,
    /// `tx.queue...`, on any thread, see `StoreTransaction`) commits together or not at
    /// all. A call through the handle that fails before changing rows (a refused
    /// transition) can be caught and the body carry on; one that fails after changing
    /// rows undoes the whole transaction, even if the body catches the error.
    ///
    /// Calls the body makes on the store itself (not through the handle) are not part of
    /// the transaction: on the thread running the body they fail with
    /// `StoreError.Code.misuse` (on SQLite they would wait for the one writer the
    /// transaction holds, for ever). Helpers called from a body take the handle.
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T

    /// Queues `body` as one transaction like `transaction`, without waiting for it:
    /// returns at once, and `completion` is called (on the store's completion thread,
    /// one for all callers in commit order, so it must be quick and must not call the
    /// store and wait) once the body's writes are
    /// committed (nil) or undone (the error). Transactions, queued or not, commit in the
    /// order they were queued, so whatever the caller writes or reads after
    /// `completion` sees these writes. For work whose caller has nothing to do with the
    /// result but record it: the thread goes on instead of sleeping through an fsync.
    ///
    /// `timing` says how soon the commit must come (`CommitTiming`); a store whose
    /// transactions each commit on their own (PostgreSQL) commits at once either way.
    func transactionAsync(_ body: @escaping @Sendable (any StoreTransaction) throws -> Void,
                          timing: CommitTiming,
                          completion: @escaping @Sendable ((any Error)?) -> Void)

    /// Closes the database; later calls fail with `StoreError.Code.misuse`.
    func close()
}

extension Store {
    /// `transactionAsync` committed as soon as the writer may (`CommitTiming.prompt`).
    public func transactionAsync(_ body: @escaping @Sendable (any StoreTransaction) throws -> Void,
                                 completion: @escaping @Sendable ((any Error)?) -> Void) {
        transactionAsync(body, timing: .prompt, completion: completion)
    }
}

/// How soon a queued transaction (`Store.transactionAsync`) must be committed, on a store
/// with one group-committing writer (SQLite). Each commit costs an fsync and a write of
/// every page it touches, so at moderate rates a write nobody waits for is cheaper riding
/// along with the next commit than starting one of its own.
public enum CommitTiming: Sendable, Equatable {
    /// As soon as the writer may start a commit: a caller (a webhook's acknowledgement, a
    /// reply about to be sent) waits for it.
    case prompt
    /// Nothing waits for it but bookkeeping (a sent reply's record): it joins the next
    /// commit that another write starts, and starts one itself only after `within`. Its
    /// order among the writes is kept: a write queued after it, prompt or not, still sees
    /// it, in the same commit.
    case joinNext(within: Duration)

    /// For bookkeeping nobody waits for (a sent reply's record, delivery receipts): joins
    /// the next commit, 2 ms at most. At 500 messages/s a prompt write comes about every
    /// millisecond, so most ride along; what the inbox shows is at most that much later.
    public static let bookkeeping = CommitTiming.joinNext(within: .milliseconds(2))
}

/// A store whose commit can wait, briefly, for writes that follow from a transaction
/// (SQLite: its one writer holds the group's transaction open). The ingress stores a
/// message and hands it to a responder before the commit; when the responder answers
/// at once, the answer joins the same commit: one commit (one fsync, one hand-over to the
/// completion thread) for the message and its reply instead of two in a row. Optional: a
/// caller asks `store as? any CommitHolding`; PostgreSQL (each connection commits its
/// own) does not provide it.
public protocol CommitHolding: AnyObject, Sendable {
    /// `Store.transactionAsync`, and once `body` has run without error (its writes made,
    /// not yet committed) `ran` is called on the writer's thread (quick; no store calls)
    /// with `holds`: each `hold()` taken there makes the commit wait until it is released
    /// or `StoreOptions.commitHoldLimit` has passed, whichever comes first. Writes queued
    /// meanwhile (the answer) run in the same transaction. If the commit then fails,
    /// what was handed on in `ran` refers to writes that were undone: the follow-up must
    /// check (a job that is gone writes nothing).
    func transactionAsync(_ body: @escaping @Sendable (any StoreTransaction) throws -> Void,
                          timing: CommitTiming,
                          ran: @escaping @Sendable (CommitHolds) -> Void,
                          completion: @escaping @Sendable ((any Error)?) -> Void)
}

/// Takes holds on the commit of the transaction that just ran (`CommitHolding`).
public struct CommitHolds: Sendable {
    let take: @Sendable () -> CommitHold

    init(take: @escaping @Sendable () -> CommitHold) { self.take = take }

    /// A hold: the commit waits for its release (at most the store's hold limit).
    public func hold() -> CommitHold { take() }
}

/// One hold on a pending commit. `release()` may be called from any thread, any number of
/// times (only the first counts), also after the commit went ahead without it.
public final class CommitHold: Sendable {
    private let released = Atomic<Bool>(false)
    private let onRelease: @Sendable () -> Void

    init(onRelease: @escaping @Sendable () -> Void) { self.onRelease = onRelease }

    public func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { onRelease() }
    }

    /// Whether it was released.
    public var isReleased: Bool { released.load(ordering: .acquiring) }
}

/// What a store with a group-committing writer can tell about it (SQLite: one writer
/// thread per database). Optional: a caller asks `store as? any StoreStatistics`, and a
/// backend without such a writer (PostgreSQL: each connection commits its own) does not
/// provide it.
public protocol StoreStatistics: AnyObject, Sendable {
    /// Commits of the writer so far, and the writes (transactions and single calls) they
    /// carried: writes per commit is how well group commit is sharing the fsyncs.
    var writeStatistics: (commits: Int, writes: Int) { get }
}
