import CSwitchboardPlugin
import Dispatch
import Foundation
import SwitchboardCore
import SwitchboardLog

/// A workspace's responders, in configured order.
///
/// `run` asks each plugin in turn: the first reply wins, a handoff ends the chain with
/// `.handoff`, and if none answers the verdict is `.pass`. A plugin that fails, or does
/// not return within its deadline, is reported in `ChainResult.errors` and the chain
/// goes on. Each call runs on the host's plugin pool, so a blocking plugin holds only
/// its own call: the chain waits at most the plugin's deadline.
///
/// A plugin that declares SB_PLUGIN_FLAG_INLINE (ABI 1.2: its `handle` only computes)
/// is called on the chain's own thread instead, saving the hand-over to the pool. If
/// such a call returns after its deadline, its outcome is discarded like a late pool
/// call's, and that instance is called on the pool from then on (logged once).
///
/// The chain also counts, per conversation, the inbound messages in a row that no
/// responder answered, and gives that count to plugins (`sb_message.unanswered_turns`),
/// in the host's state under the reserved plugin name `switchboard.chain`.
///
/// Thread-safe. Run the messages of one conversation one at a time (the host's workers
/// do); different conversations may run at once.
public final class ResponderChain: Sendable {
    public let workspace: WorkspaceID
    public let instances: [PluginInstance]

    /// Whether the chain's first plugin is called inline (it only computes, an FAQ): the
    /// chain may answer without waiting for anything.
    public var beginsInline: Bool { instances.first?.callsInline ?? true }
    private let pool: PluginPool
    private let store: any PluginStateStore
    private let logger: Logger

    static let statePlugin = "switchboard.chain"

    init(workspace: WorkspaceID, instances: [PluginInstance], pool: PluginPool, store: any PluginStateStore, logger: Logger) {
        self.workspace = workspace
        self.instances = instances
        self.pool = pool
        self.store = store
        self.logger = logger
    }

    /// Runs the chain for one inbound message, suspending (not blocking) while plugins
    /// work.
    public func run(message: PluginMessage) async -> ChainResult {
        var run = Run(chain: self, message: message)
        if let refused = run.refusal { return refused }
        for instance in instances {
            let outcome: PluginCallOutcome?
            switch run.start(instance) {
            case .skipped: continue
            case let .inline(o): outcome = o
            case let .pool(slot): outcome = await slot.wait(until: run.deadline(instance))
            }
            if let done = run.conclude(instance, outcome) { return finish(run, done) }
        }
        return finish(run, ChainResult(verdict: .pass, plugin: nil, errors: run.errors, events: run.events))
    }

    /// Runs the chain for one inbound message, blocking the calling thread (commands,
    /// tests, threads of the host's own).
    ///
    /// With `savingUnansweredTurns: false` the chain does not write the conversation's
    /// new count of unanswered messages: it returns it in `ChainResult.unansweredTurns`
    /// and the caller saves it with `saveUnansweredTurns`, in the same transaction as
    /// what it does with the verdict (the host's workers: one commit per message, not a
    /// second one the worker would wait for).
    ///
    /// `beforeWaiting` is called once, before the first call this thread waits for on
    /// the pool (a plugin not called inline: an LLM call): until then the chain has only
    /// computed.
    public func runBlocking(message: PluginMessage, savingUnansweredTurns: Bool = true,
                            beforeWaiting: (() -> Void)? = nil) -> ChainResult {
        var run = Run(chain: self, message: message)
        run.savesUnansweredTurns = savingUnansweredTurns
        if let refused = run.refusal { return refused }
        var waits = beforeWaiting
        for instance in instances {
            let outcome: PluginCallOutcome?
            switch run.start(instance) {
            case .skipped: continue
            case let .inline(o): outcome = o
            case let .pool(slot):
                waits?()
                waits = nil
                outcome = slot.wait(until: run.deadline(instance))
            }
            if let done = run.conclude(instance, outcome) { return finish(run, done) }
        }
        return finish(run, ChainResult(verdict: .pass, plugin: nil, errors: run.errors, events: run.events))
    }

    /// Forgets the conversation's count of unanswered messages: call it when an agent
    /// answers or the conversation goes back to the bot, so an old count does not
    /// trigger a handoff.
    public func resetUnansweredTurns(conversation: ConversationID) {
        do {
            try store.delete(workspace: workspace, plugin: Self.statePlugin, key: counterKey(conversation))
        } catch {
            logger.warn("unanswered-turns counter not reset", [LogKey.conversation: conversation.rawValue, LogKey.error: "\(error)"])
        }
    }

    /// Destroys the instances (at shutdown). An instance with a call still running past
    /// its deadline is left alone and logged.
    public func shutdown() {
        for instance in instances { instance.destroy() }
    }

    // MARK: the steps of one run

    private func counterKey(_ c: ConversationID) -> String { "unanswered:" + c.rawValue }

    private func finish(_ run: Run, _ result: ChainResult) -> ChainResult {
        let count: Int?
        if case .pass = result.verdict {
            count = run.unanswered + 1
        } else {
            count = run.unanswered > 0 ? 0 : nil
        }
        guard let count else { return result }
        guard run.savesUnansweredTurns else {
            var deferred = result
            deferred.unansweredTurns = count
            return deferred
        }
        do {
            try saveUnansweredTurns(count, conversation: run.message.conversation)
        } catch {
            logger.warn("unanswered-turns counter not saved", [LogKey.conversation: run.message.conversation.rawValue, LogKey.error: "\(error)"])
        }
        return result
    }

    /// Saves a conversation's count of unanswered messages in a row (0 forgets it): what
    /// a run with `savingUnansweredTurns: false` returned in `ChainResult.unansweredTurns`.
    public func saveUnansweredTurns(_ count: Int, conversation: ConversationID) throws {
        try saveUnansweredTurns(count, conversation: conversation, in: store)
    }

    /// `saveUnansweredTurns` into `state` instead of the chain's own store (the host's
    /// transaction that records the outcome).
    public func saveUnansweredTurns(_ count: Int, conversation: ConversationID, in state: any PluginStateStore) throws {
        let key = counterKey(conversation)
        if count > 0 {
            try state.set(workspace: workspace, plugin: Self.statePlugin, key: key, value: Array(String(count).utf8))
        } else {
            try state.delete(workspace: workspace, plugin: Self.statePlugin, key: key)
        }
    }

    fileprivate func unansweredTurns(_ c: ConversationID) -> Int {
        do {
            guard let bytes = try store.get(workspace: workspace, plugin: Self.statePlugin, key: counterKey(c)) else { return 0 }
            return Int(String(decoding: bytes, as: UTF8.self)) ?? 0
        } catch {
            logger.warn("unanswered-turns counter not read", [LogKey.conversation: c.rawValue, LogKey.error: "\(error)"])
            return 0
        }
    }

    /// How one plugin call of a run went out.
    private enum Started {
        /// Not called (the reason is in the run's errors).
        case skipped
        /// Called on this thread and done: its outcome, nil if it overran its deadline.
        case inline(PluginCallOutcome?)
        /// Submitted to the pool: wait on the slot.
        case pool(CallSlot)
    }

    /// The state of one run, shared by the blocking and the async variant.
    private struct Run {
        let chain: ResponderChain
        let message: PluginMessage
        var refusal: ChainResult?
        var unanswered = 0
        /// Whether `finish` writes the new count itself (see `runBlocking`).
        var savesUnansweredTurns = true
        var prepared: PreparedPluginMessage?
        var errors: [PluginFailure] = []
        /// Journal events of the calls that returned in time, in chain order.
        var events: [PluginJournalEntry] = []
        var started: UInt64 = 0

        init(chain: ResponderChain, message: PluginMessage) {
            self.chain = chain
            self.message = message
            guard message.workspace == chain.workspace else {
                // A routing bug upstream: never show one workspace's message to another's plugins.
                chain.logger.error("message of another workspace given to a responder chain", [
                    LogKey.message: message.message.rawValue, "message_workspace": message.workspace.rawValue,
                ])
                refusal = ChainResult(verdict: .pass, plugin: nil, errors: [PluginFailure(
                    plugin: "", workspace: chain.workspace.rawValue, kind: .skipped,
                    message: "message of workspace \(message.workspace) given to the chain of workspace \(chain.workspace)",
                    status: 0, elapsedMilliseconds: 0)])
                return
            }
            unanswered = chain.unansweredTurns(message.conversation)
            prepared = PreparedPluginMessage(message, unansweredTurns: unanswered)
        }

        func deadline(_ instance: PluginInstance) -> DispatchTime {
            DispatchTime(uptimeNanoseconds: started + UInt64(max(1, instance.spec.deadlineMilliseconds)) * 1_000_000)
        }

        /// Calls `instance` inline or submits its call to the pool, or records why it is
        /// skipped.
        mutating func start(_ instance: PluginInstance) -> Started {
            let conversation = message.conversation
            if let why = instance.begin(conversation) {
                fail(instance, .skipped, why, status: 0, elapsedNs: 0)
                return .skipped
            }
            if instance.callsInline { return .inline(callInline(instance)) }
            let pool = chain.pool
            let slot = CallSlot(onExpire: {
                instance.tracking.withLock { $0.overrunning += 1 }
                pool.lend()
            })
            let prepared = self.prepared!
            let logger = chain.logger
            started = DispatchTime.now().uptimeNanoseconds
            pool.submit {
                let outcome = instance.invoke(prepared)
                instance.end(conversation)
                if !slot.finish(outcome) {
                    instance.tracking.withLock { $0.overrunning -= 1 }
                    pool.giveBack()
                    logger.warn("late plugin call returned; its outcome was discarded", [
                        LogKey.plugin: instance.spec.name, LogKey.workspace: instance.workspace.rawValue,
                        LogKey.conversation: conversation.rawValue, "elapsed_ms": String(outcome.elapsedNanoseconds / 1_000_000),
                    ])
                }
            }
            return .pool(slot)
        }

        /// Runs the call of `instance` (already begun) on this thread. Past its deadline
        /// the outcome is discarded (nil), as a late pool call's is, and the instance is
        /// demoted to the pool for good.
        mutating func callInline(_ instance: PluginInstance) -> PluginCallOutcome? {
            started = DispatchTime.now().uptimeNanoseconds
            let outcome = instance.invoke(prepared!)
            instance.end(message.conversation)
            let now = DispatchTime.now().uptimeNanoseconds
            guard now > deadline(instance).uptimeNanoseconds else { return outcome }
            if instance.demoteToPool() {
                chain.logger.warn("inline plugin call overran its deadline; the plugin is called on the pool from now on", [
                    LogKey.plugin: instance.spec.name, LogKey.workspace: instance.workspace.rawValue,
                    LogKey.conversation: message.conversation.rawValue, "elapsed_ms": String((now - started) / 1_000_000),
                    "deadline_ms": String(instance.spec.deadlineMilliseconds),
                ])
            }
            return nil
        }

        /// Reads one call's outcome; returns the chain's result when it ends the chain.
        mutating func conclude(_ instance: PluginInstance, _ outcome: PluginCallOutcome?) -> ChainResult? {
            guard let outcome else {
                let elapsed = DispatchTime.now().uptimeNanoseconds - started
                fail(instance, .deadlineExceeded, "no answer within \(instance.spec.deadlineMilliseconds) ms", status: 0, elapsedNs: elapsed)
                return nil
            }
            events += outcome.events
            guard outcome.succeeded else {
                fail(instance, outcome.failureKind, outcome.errorMessage, status: outcome.status, elapsedNs: outcome.elapsedNanoseconds)
                return nil
            }
            switch outcome.verdict {
            case .pass: return nil
            case let v: return ChainResult(verdict: v, plugin: instance.spec.name, errors: errors, events: events)
            }
        }

        mutating func fail(_ instance: PluginInstance, _ kind: PluginFailure.Kind, _ why: String, status: Int32, elapsedNs: UInt64) {
            let f = PluginFailure(
                plugin: instance.spec.name, workspace: instance.workspace.rawValue, kind: kind,
                message: why, status: status, elapsedMilliseconds: Int(elapsedNs / 1_000_000))
            errors.append(f)
            chain.logger.warn("plugin call failed", [
                LogKey.plugin: f.plugin, LogKey.workspace: f.workspace, LogKey.conversation: message.conversation.rawValue,
                LogKey.message: message.message.rawValue, "failure": kind.rawValue, LogKey.error: why,
                "elapsed_ms": String(f.elapsedMilliseconds),
            ])
        }
    }
}
