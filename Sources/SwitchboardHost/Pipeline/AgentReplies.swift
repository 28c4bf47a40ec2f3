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
        if windowedChannels.contains(conversation.channelID), now.timeIntervalSince(last) > WhatsAppCloudTransport.serviceWindow {
            throw Refusal(code: .outsideWindow,
                          description: "the customer last wrote more than 24 hours ago: WhatsApp only allows an approved template now")
        }
        let journal = Journal(logger: logger)
        let message: Message
        do {
            message = try store.transaction {
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

    /// Stores an internal note on the conversation; never sent to the customer.
    func note(workspace: WorkspaceID, conversation id: ConversationID, text: String, author: String) throws -> Message {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal(code: .empty, description: "the note is empty") }
        let ws = store.workspace(workspace)
        guard let conversation = try ws.conversations.get(id) else {
            throw Refusal(code: .notFound, description: "conversation \(id) not found")
        }
        let journal = Journal(logger: logger)
        let m = try store.transaction {
            let m = try ws.messages.insertOutbound(NewOutboundMessage(
                conversationID: id, kind: .note, text: trimmed, payloadJSON: OutboxBody.encode(["author": author])))
            try journal.record(ws, .note, conversation: id, message: m.id, channel: conversation.channelID, ["author": author])
            return m
        }
        journal.flush()
        return m
    }
}
