import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// What agents send from the inbox: replies that go through the conversation's channel
/// outbox exactly like the bot's, and notes that are stored and never sent.
struct AgentReplies: Sendable {
    let store: any Store
    let logger: Logger
    /// Channels with a customer-service window (WhatsApp's 24 hours: `ChannelTraits.serviceWindow`).
    let windowedChannels: Set<ChannelID>
    let notify: @Sendable (ChannelID) -> Void
    /// Channels a reload added, asked when `windowedChannels` does not name the channel.
    var windowedAdded: @Sendable (ChannelID) -> Bool = { _ in false }

    init(store: any Store, logger: Logger, windowedChannels: Set<ChannelID>, notify: @escaping @Sendable (ChannelID) -> Void,
         windowedAdded: @escaping @Sendable (ChannelID) -> Bool = { _ in false }) {
        self.store = store
        self.logger = logger
        self.windowedChannels = windowedChannels
        self.notify = notify
        self.windowedAdded = windowedAdded
    }

    struct Refusal: Error, CustomStringConvertible, Equatable {
        enum Code: String, Sendable { case notFound = "not_found", outsideWindow = "outside_window", empty = "empty" }
        let code: Code
        let description: String
    }

    /// Queues `text` for the customer of `conversation`, on behalf of `author`. Refused
    /// with a clear reason outside WhatsApp's 24-hour window (before anything is queued),
    /// for an unknown conversation (of this workspace) and for empty text.
    func reply(workspace: WorkspaceID, conversation id: ConversationID, text: String, author: String,
               now: Date = Date()) throws -> Message {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal(code: .empty, description: "the reply is empty") }
        let ws = store.workspace(workspace)
        guard let conversation = try ws.conversations.get(id), let contact = try ws.contacts.get(conversation.contactID) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        let last = conversation.lastInboundAt ?? .distantPast
        if windowedChannels.contains(conversation.channelID) || windowedAdded(conversation.channelID), now.timeIntervalSince(last) > WhatsAppCloudTransport.serviceWindow {
            throw Refusal(code: .outsideWindow,
                          description: "the customer last wrote more than 24 hours ago: WhatsApp only allows an approved template now")
        }
        let journal = Journal(logger: logger)
        let message: Message
        do {
            message = try ws.transaction { ws in
                // An agent's reply takes a bot conversation over (and an unassigned one
                // becomes the agent's), in the same transaction: the bot never talks over them.
                try Self.takeOver(ws, id, author: author, how: "reply")
                let m = try ws.messages.insertOutbound(NewOutboundMessage(
                    conversationID: id, kind: .text, text: trimmed, payloadJSON: OutboxBody.encode(["author": author])))
                _ = try ws.queue.enqueueOutbox(NewOutboxItem(
                    conversationID: id, messageID: m.id, channelID: conversation.channelID,
                    recipient: ResponderWorkers.recipient(contact), kind: .send,
                    bodyJSON: OutboxBody.send(text: trimmed, buttons: []), receivedAt: nil))
                try journal.record(ws, .queued, conversation: id, message: m.id, channel: conversation.channelID,
                                   ["author": author])
                return m
            }
        } catch {
            journal.discard()
            throw error
        }
        journal.flush()
        notify(conversation.channelID)
        return message
    }

    /// Moves a `bot` conversation to `human` (trigger `take_over`, journalled with the
    /// author and `how`: `button` or `reply`) and assigns it to `author` when nobody has
    /// it. Nothing happens to a conversation in another state. Call inside a transaction.
    /// Returns the conversation taken over, nil when it was not the bot's.
    @discardableResult
    static func takeOver(_ ws: any WorkspaceStore, _ id: ConversationID, author: String, how: String) throws -> Conversation? {
        guard let conversation = try ws.conversations.get(id) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        guard conversation.state == .bot else { return nil }
        let result = try ws.conversations.transition(id, .takeOver, extraDetail: ["author": author, "how": how])
        if result.conversation.assignedTo == nil { return try ws.conversations.assign(id, to: author) }
        return result.conversation
    }

    /// Stores an internal note on the conversation; never sent to the customer.
    func note(workspace: WorkspaceID, conversation id: ConversationID, text: String, author: String) throws -> Message {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal(code: .empty, description: "the note is empty") }
        let ws = store.workspace(workspace)
        guard let conversation = try ws.conversations.get(id) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        let journal = Journal(logger: logger)
        let m = try ws.transaction { ws in
            let m = try ws.messages.insertOutbound(NewOutboundMessage(
                conversationID: id, kind: .note, text: trimmed, payloadJSON: OutboxBody.encode(["author": author])))
            try journal.record(ws, .note, conversation: id, message: m.id, channel: conversation.channelID, ["author": author])
            return m
        }
        journal.flush()
        return m
    }
}
