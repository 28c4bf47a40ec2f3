import Testing
import Foundation
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@Suite struct LogSinkTests {
    /// Threads logging at once never interleave their lines, short or long (long ones are
    /// written under a lock, short ones in one write each).
    @Test func linesOfManyThreadsStayWhole() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        let logger = cap.logger
        let long = String(repeating: "x", count: 6000)
        let group = DispatchGroup()
        for t in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                for i in 0..<200 {
                    logger.info("line", ["thread": String(t), "i": String(i), "payload": i.isMultiple(of: 10) ? long : "short"])
                }
                group.leave()
            }
        }
        group.wait()
        let objs = try cap.objects()
        #expect(objs.count == 1600)
        #expect(Set(objs.compactMap { o in (o["thread"] as? String).map { "\($0)/\(o["i"] as? String ?? "")" } }).count == 1600)
        #expect(objs.filter { ($0["payload"] as? String) == long }.count == 160)
    }

    @Test func secretsAreFoundAnywhereInAValue() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        cap.sink.registerSecret("EAAG-sekrit-ü")
        cap.logger.info("calling with EAAG-sekrit-ü now", ["url": "https://x/?t=EAAG-sekrit-ü&y=1", "X-Access-TOKEN": "abc",
                                                          "note": "EAAG-sekrit", "ü": "EAAG-sekrit-üEAAG-sekrit-ü"])
        let o = try #require(try cap.objects().first)
        #expect(o["message"] as? String == "calling with [redacted] now")
        #expect(o["url"] as? String == "https://x/?t=[redacted]&y=1")
        #expect(o["X-Access-TOKEN"] as? String == "[redacted]")
        #expect(o["note"] as? String == "EAAG-sekrit")
        #expect(o["ü"] as? String == "[redacted][redacted]")
    }

    /// Token counts of an LLM call are not secrets; a key that names a token still is.
    @Test func tokenCountsAreNotRedacted() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        cap.logger.info("llm decision", ["tokens_in": "120", "TOKENS_OUT": "8", "max_tokens": "400",
                                         "bot_token": "123:abc", "token": "t", "tokenset": "x"])
        let o = try #require(try cap.objects().first)
        #expect(o["tokens_in"] as? String == "120")
        #expect(o["TOKENS_OUT"] as? String == "8")
        #expect(o["max_tokens"] as? String == "400")
        #expect(o["bot_token"] as? String == "[redacted]")
        #expect(o["token"] as? String == "[redacted]")
    }

    @Test func jsonLinesCarryTimeLevelMessageAndMetadata() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        let log = cap.logger.with(LogKey.workspace, "bakery")
        log.info("message routed", [LogKey.message: "m-1", LogKey.conversation: "c-7"])
        log.error("send failed", [LogKey.error: "graph error 131047"])

        let objs = try cap.objects()
        #expect(objs.count == 2)
        let first = objs[0]
        #expect(first["level"] as? String == "info")
        #expect(first["message"] as? String == "message routed")
        #expect(first["workspace"] as? String == "bakery")
        // LogKey.message (a message id) does not clobber the line's own message field.
        #expect(first["message_id"] as? String == "m-1")
        #expect(first["conversation"] as? String == "c-7")
        let time = try #require(first["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
        #expect(objs[1]["level"] as? String == "error")
        #expect(objs[1]["error"] as? String == "graph error 131047")
        #expect(objs[1]["workspace"] as? String == "bakery")
    }

    @Test func levelsBelowTheSinksLevelAreNotWritten() throws {
        let cap = try LogCapture(level: .warn)
        defer { cap.remove() }
        let log = cap.logger
        log.debug("d")
        log.info("i")
        log.warn("w")
        log.error("e")
        #expect(try cap.objects().map { $0["message"] as? String } == ["w", "e"])
        #expect(!log.isEnabled(.info))
        #expect(log.isEnabled(.error))
    }

    @Test func hardCharactersSurviveTheRoundTrip() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        let message = "quote \" backslash \\ newline \n tab \t bell \u{07} café 😀"
        cap.logger.info(message, ["payload": "{\"a\":\"\\u00e9\"}\r\n"])
        let obj = try #require(try cap.objects().first)
        #expect(obj["message"] as? String == message)
        #expect(obj["payload"] as? String == "{\"a\":\"\\u00e9\"}\r\n")
        #expect(try cap.lines().count == 1)
    }

    @Test func textFormatIsOneReadableLine() throws {
        let cap = try LogCapture(format: .text)
        defer { cap.remove() }
        cap.logger.warn("retrying send", [LogKey.channel: "wa-main", "reason": "rate limited", "attempt": "2"])
        let line = try #require(try cap.lines().first)
        let match = line.wholeMatch(of: /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (.*)/)
        let rest = try #require(match?.output.2)
        #expect(rest == "WARN  retrying send attempt=2 channel=wa-main reason=\"rate limited\"")

        cap.logger.info("two\nlines", [LogKey.message: "m-1", "q": "a=b"])
        let second = try #require(try cap.lines().last)
        #expect(second.hasSuffix(" INFO  two\\nlines message_id=m-1 q=\"a=b\""))
        #expect(try cap.lines().count == 2)
    }

    @Test func registeredSecretsNeverAppearInMessageOrMetadata() throws {
        for format in LogFormat.allCases {
            let cap = try LogCapture(format: format)
            defer { cap.remove() }
            let accessToken = "EAAGm0PX4ZCpsBAKZAvery-secret-token"
            let appSecret = "9f86d081884c7d659a2feaa0c55ad015"
            cap.sink.registerSecret(accessToken)
            cap.sink.registerSecret(appSecret)
            let log = cap.logger
            log.error("graph call failed with token \(accessToken)", ["url": "https://graph.facebook.com/x?access_token=\(accessToken)"])
            log.info("verifying", ["signature_key": "prefix-\(appSecret)-suffix"])
            let text = try cap.text()
            #expect(!text.contains(accessToken), "format \(format)")
            #expect(!text.contains(appSecret), "format \(format)")
            #expect(text.contains("graph call failed with token [redacted]"))
            #expect(text.contains("access_token=[redacted]"))
            #expect(text.contains("prefix-[redacted]-suffix"))
        }
    }

    @Test func valuesOfKeysNamingASecretAreRedacted() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        cap.logger.info("config loaded", [
            "access_token": "not-registered-1", "app_secret": "not-registered-2", "password": "hunter22",
            "Authorization": "Bearer abc.def", "verify_token": "vt", "workspace": "bakery",
        ])
        let text = try cap.text()
        for leaked in ["not-registered-1", "not-registered-2", "hunter22", "abc.def", "\"vt\""] {
            #expect(!text.contains(leaked), "leaked \(leaked)")
        }
        let obj = try #require(try cap.objects().first)
        #expect(obj["access_token"] as? String == "[redacted]")
        #expect(obj["password"] as? String == "[redacted]")
        #expect(obj["Authorization"] as? String == "[redacted]")
        #expect(obj["workspace"] as? String == "bakery")
    }

    @Test func aSecretContainingAnotherIsRedactedWhole() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        cap.sink.registerSecret("abcd")
        cap.sink.registerSecret("abcdefgh")
        cap.logger.info("value abcdefgh end")
        #expect(try cap.objects().first?["message"] as? String == "value [redacted] end")
    }

    @Test func loggerFieldsOverrideItsMetadata() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        let log = cap.logger.with([LogKey.workspace: "a", LogKey.channel: "wa"])
        log.info("x", [LogKey.workspace: "b"])
        let obj = try #require(try cap.objects().first)
        #expect(obj["workspace"] as? String == "b")
        #expect(obj["channel"] as? String == "wa")
    }

    @Test func concurrentWritersNeverInterleaveLines() throws {
        let cap = try LogCapture()
        defer { cap.remove() }
        let log = cap.logger
        let filler = String(repeating: "x", count: 300)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<200 { log.info("line \(filler)", ["thread": String(t), "i": String(i)]) }
        }
        let objs = try cap.objects()
        #expect(objs.count == 1600)
        #expect(Set(objs.map { "\($0["thread"]!)-\($0["i"]!)" }).count == 1600)
    }

    /// Inside `LogBatch.collect` a thread's lines are written in pieces of at most
    /// PIPE_BUF and the rest when it returns: every line intact and in order, a long line
    /// (past PIPE_BUF) included; other threads' lines are written meanwhile as usual.
    @Test func collectedLinesAreWrittenWholeAndInOrder() throws {
        let cap = try LogCapture(level: .info)
        defer { cap.remove() }
        let log = cap.logger
        let long = String(repeating: "y", count: 6000)
        var inside: [[String: Any]] = []
        LogBatch.collect {
            for i in 0..<100 { log.info("collected", ["i": String(i), "pad": String(repeating: "p", count: 90)]) }
            log.info("long", ["i": "100", "body": long])
            for i in 101..<150 { log.info("collected", ["i": String(i)]) }
            LogBatch.collect { log.info("nested", ["i": "150"]) } // joins the outer batch
            let written = DispatchSemaphore(value: 0)
            let other = Thread { log.info("other thread"); written.signal() }
            other.start()
            #expect(written.wait(timeout: .now() + 10) == .success)
            inside = (try? cap.objects()) ?? []
        }
        let numbers = { (objs: [[String: Any]]) in objs.compactMap { $0["i"] as? String } }
        // Before the end: whole lines, a prefix of ours (the long line with everything
        // before it), the other thread's line; the last lines still held.
        #expect(numbers(inside) == (0..<numbers(inside).count).map(String.init))
        #expect(numbers(inside).count > 100 && numbers(inside).count < 151)
        #expect(inside.contains { $0["message"] as? String == "other thread" })
        let objs = try cap.objects()
        #expect(objs.count == 152)
        #expect(numbers(objs) == (0..<151).map(String.init))
        #expect(objs.first { $0["i"] as? String == "100" }?["body"] as? String == long)
    }

    @Test func writesToAnyDescriptorSuchAsAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let sink = LogSink(level: .info, format: .json, fd: fds[1])
        sink.registerSecret("pipe-secret-value")
        Logger(sink: sink).info("through a pipe", ["token": "pipe-secret-value", "k": "pipe-secret-value!"])
        close(fds[1])
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buf, buf.count)
            if n <= 0 { break }
            bytes += buf[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains("pipe-secret-value"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(obj["message"] as? String == "through a pipe")
        #expect(obj["token"] as? String == "[redacted]")
        #expect(obj["k"] as? String == "[redacted]!")
    }

    @Test func unopenableLogFileIsAClearError() {
        let error = #expect(throws: LogSinkError.self) {
            _ = try LogSink(level: .info, format: .json, path: "/nonexistent-dir/x.log")
        }
        #expect(error?.message == "cannot open log file /nonexistent-dir/x.log: no such file or directory")
    }
}
