import Foundation
import Synchronization
import Testing
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport

/// The Bot API client against the fake server: the wire format of sendMessage (inline
/// keyboard), and every failure classified for the drainer.
@Suite struct TelegramBotAPITests {
    @Test func replyButtonsGoOutAsAnInlineKeyboard() throws {
        let fake = try FakeTelegramBotAPI()
        let api = TelegramBotAPI(apiURL: fake.apiURL, botToken: fake.token)
        let long = String(repeating: "é", count: 40) // 80 bytes: callback_data keeps 64
        let id = try api.sendMessage(chatID: -1001234567890, text: "Pick one", buttons: ["Yes", "No", long])
        #expect(id == 101)
        let send = try #require(fake.sends.first)
        #expect(send.chatID == -1001234567890)
        #expect(send.text == "Pick one")
        #expect(send.buttons.map { $0.map(\.text) } == [["Yes"], ["No"], [long]])
        #expect(send.buttons.map { $0.map(\.data) } == [["Yes"], ["No"], [String(repeating: "é", count: 32)]])
        #expect(try api.sendMessage(chatID: 5, text: "plain", buttons: []) == 101)
        #expect(fake.sends.last?.buttons.isEmpty == true)
    }

    /// A long poll on a token a reload replaced is cancelled: it ends within about a
    /// second instead of its 20 s timeout, and nothing it would have fetched is taken.
    @Test func aCancelledLongPollEndsAtOnce() throws {
        let fake = try FakeTelegramBotAPI()
        let api = TelegramBotAPI(apiURL: fake.apiURL, botToken: fake.token, cancellable: true)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Int, SendFailure>?>(nil)
        Thread {
            do throws(SendFailure) {
                let (updates, _) = try api.getUpdates(offset: nil, timeout: 20)
                outcome.withLock { $0 = .success(updates.count) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }.start()
        #expect(fake.wait { $0.pollOffsets.count == 1 })
        let cancelled = ContinuousClock.now
        api.cancel()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(cancelled.duration(to: .now) < .seconds(3))
        guard case .failure(let error)? = outcome.withLock({ $0 }) else {
            Issue.record("the poll was not cancelled: \(String(describing: outcome.withLock { $0 }))")
            return
        }
        #expect(error.kind == .retryable)
        #expect(api.isCancelled)
        // Every later call ends at once, without a request.
        #expect(throws: SendFailure.self) { try api.getMe() }
        #expect(!fake.calls.contains { $0.method == "getMe" })
    }

    @Test func failuresAreClassified() throws {
        let fake = try FakeTelegramBotAPI()
        let api = TelegramBotAPI(apiURL: fake.apiURL, botToken: fake.token)
        func failure(_ f: FakeTelegramBotAPI.Failure) -> SendFailure? {
            fake.failNext(with: f)
            do { _ = try api.sendMessage(chatID: 1, text: "x", buttons: []); return nil } catch { return error }
        }
        let limited = try #require(failure(.tooManyRequests(retryAfter: 35)))
        #expect(limited.kind == .rateLimited)
        #expect(limited.retryFloor == .seconds(35))
        #expect(failure(.serverError)?.kind == .retryable)
        #expect(failure(.blocked)?.kind == .permanent)
        #expect(failure(.unauthorized)?.kind == .auth)
        let moved = try #require(failure(.migrated(to: -100777)))
        #expect(moved.kind == .permanent)
        #expect(moved.title.contains("-100777"))
        let wrongToken = TelegramBotAPI(apiURL: fake.apiURL, botToken: "1:wrong")
        #expect(throws: SendFailure.self) { _ = try wrongToken.getMe() }
        do { _ = try wrongToken.getMe() } catch { #expect(error.kind == .auth) }
        fake.stop()
        do { _ = try api.getMe(); Issue.record("no error from a stopped server") } catch { #expect(error.kind == .retryable) }
    }

    @Test func updatesBecomeInboundMessagesKeyedByUpdateID() throws {
        func parse(_ json: String) throws -> InboundMessage? {
            try TelegramUpdates.message(try JSONReader.read(Array(json.utf8)), raw: json, channel: "tg", receivedAt: Date())
        }
        let m = try #require(try parse(FakeTelegramBotAPI.textUpdate(id: 872349001, chatID: 123456789, text: "/status 1234")))
        #expect(m.providerMessageID == "872349001")
        #expect(m.sender == .telegramChat(123456789))
        #expect(m.kind == .text)
        #expect(m.text == "/status 1234")
        #expect(m.profileName == "Ana")
        let tap = try #require(try parse(FakeTelegramBotAPI.callbackUpdate(id: 2, chatID: -1001234567890, data: "Yes")))
        #expect(tap.kind == .interactive)
        #expect(tap.text == "Yes")
        #expect(tap.sender == .telegramChat(-1001234567890))
        #expect(try parse(#"{"update_id": 3, "edited_message": {"chat": {"id": 1}}}"#) == nil)
        #expect(throws: TelegramUpdateError.self) { _ = try parse(#"{"message": {"chat": {"id": 1}}}"#) }
        #expect(throws: TelegramUpdateError.self) { _ = try parse(#"{"update_id": 4, "message": {"text": "no chat"}}"#) }
    }
}
