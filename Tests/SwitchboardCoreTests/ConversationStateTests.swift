import Testing
@testable import SwitchboardCore

@Suite struct ConversationStateTests {
    @Test func handoffAndBack() throws {
        #expect(try ConversationState.bot.applying(.handoff) == .human)
        #expect(try ConversationState.human.applying(.handBack) == .bot)
    }

    @Test func resolvedReopensAsBotOnInbound() throws {
        #expect(try ConversationState.resolved.applying(.inbound) == .bot)
        #expect(try ConversationState.human.applying(.inbound) == .human)
    }

    @Test func invalidTransitionsAreRefused() {
        #expect(throws: InvalidTransition(from: .bot, trigger: .handBack)) { try ConversationState.bot.applying(.handBack) }
        #expect(throws: InvalidTransition(from: .resolved, trigger: .resolve)) { try ConversationState.resolved.applying(.resolve) }
        #expect(throws: InvalidTransition(from: .resolved, trigger: .handoff)) { try ConversationState.resolved.applying(.handoff) }
    }
}

@Suite struct TakeOverTests {
    @Test func anAgentTakesABotConversationOverAndNothingElse() throws {
        #expect(try ConversationState.bot.applying(.takeOver) == .human)
        #expect(throws: InvalidTransition(from: .human, trigger: .takeOver)) { try ConversationState.human.applying(.takeOver) }
        #expect(throws: InvalidTransition(from: .resolved, trigger: .takeOver)) { try ConversationState.resolved.applying(.takeOver) }
    }
}
