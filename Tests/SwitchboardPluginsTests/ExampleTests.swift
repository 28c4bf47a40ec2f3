import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardPlugins

/// The SDK's documentation is code that must work: the hello-c example with its
/// Makefile, and the C plugin in the header's top comment.
@Suite struct ExampleTests {
    let store = InMemoryPluginStateStore()

    @Test func helloCBuildsWithItsMakefileAndAnswers() throws {
        // Build a copy of the example as a third party would, with make and cc only.
        let work = TestSupport.tempDir()
        let example = work + "/plugin-sdk/examples/hello-c"
        try FileManager.default.createDirectory(atPath: work + "/plugin-sdk/examples", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.root + "/plugin-sdk/examples/hello-c", toPath: example)
        try FileManager.default.copyItem(atPath: TestSupport.include, toPath: work + "/plugin-sdk/include")
        try? FileManager.default.removeItem(atPath: example + "/libhello.so")
        try TestSupport.run(["make"], in: example)

        let logDir = TestSupport.tempDir()
        let (logger, logPath) = try TestSupport.fileLogger(logDir)
        let host = PluginHost(searchPaths: [example], logger: logger, stateStore: store)
        let chain = try host.load(workspace: "bakery", specs: [
            PluginSpec(name: "hello", configJSON: #"{"greeting": "Hi from Mama Titi!"}"#),
        ])
        #expect(chain.instances.first?.info.id == "hello")
        let r = chain.runBlocking(message: TestSupport.message("  Hello ", workspace: "bakery"))
        #expect(r.verdict == .reply(text: "Hi from Mama Titi!", buttons: ["Opening hours", "Talk to a person"]))
        #expect(chain.runBlocking(message: TestSupport.message("price?", workspace: "bakery")).verdict == .pass)
        _ = chain.runBlocking(message: TestSupport.message("hello", workspace: "bakery"))
        #expect(try store.get(workspace: "bakery", plugin: "hello", key: "greetings") == Array("2".utf8))
        let line = try #require(TestSupport.lines(logPath).last { $0["message"] == "greeted a customer" })
        #expect(line["plugin"] == "hello" && line["workspace"] == "bakery" && line["greetings"] == "2")
        chain.shutdown()
    }

    @Test func theCPluginInTheHeaderCommentCompilesAndAnswers() throws {
        let header = try String(contentsOfFile: TestSupport.include + "/switchboard_plugin.h", encoding: .utf8)
        let lines = header.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.contains("==== A COMPLETE PLUGIN IN C ====") })
        let end = try #require(lines[start...].firstIndex { $0.contains(" *   Build:") })
        let source = lines[(start + 1)..<end].map { l -> String in
            var l = Substring(l)
            if l.hasPrefix(" *") { l = l.dropFirst(2) }
            return String(l)
        }.joined(separator: "\n")
        let dir = TestSupport.tempDir()
        try source.write(toFile: dir + "/tutorial.c", atomically: true, encoding: .utf8)
        try TestSupport.run(["cc", "-std=c11", "-Wall", "-Werror", "-Wno-unused-parameter", "-shared", "-fPIC", "-I", TestSupport.include, "-o", dir + "/libtutorial.so", dir + "/tutorial.c"])
        let host = PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: store)
        let chain = try host.load(workspace: "ws-a", specs: [PluginSpec(name: "tutorial")])
        #expect(chain.runBlocking(message: TestSupport.message("hello")).verdict == .reply(text: "Hello! How can we help?", buttons: []))
        #expect(chain.runBlocking(message: TestSupport.message("bye")).verdict == .pass)
    }

    @Test func theMediaHandleInTheHeaderCommentCompilesAndAnswers() throws {
        let header = try String(contentsOfFile: TestSupport.include + "/switchboard_plugin.h", encoding: .utf8)
        let lines = header.components(separatedBy: "\n")
        let section = try #require(lines.firstIndex { $0.contains("==== MEDIA (ABI 1.1) ====") })
        let start = try #require(lines[section...].firstIndex { $0.hasPrefix(" *     typedef struct") })
        let end = try #require(lines[start...].firstIndex { $0.hasPrefix(" * The download blocks") })
        let snippet = lines[start..<end].map { String($0.dropFirst(2)) }.joined(separator: "\n")
        let source = """
            #include <stdio.h>
            #include "switchboard_plugin.h"
            \(snippet)
            static sb_status look_create(const sb_instance_info *info, void **out, sb_error *err) {
                *out = (void *)info;
                return SB_OK;
            }
            static const sb_plugin_descriptor look = SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT(
                .id = SB_STR_INIT("look"), .create = look_create, .handle = look_handle);
            SB_EXPORT const sb_plugin_descriptor *switchboard_plugin_entry(uint32_t host_abi) { return &look; }
            """
        let dir = TestSupport.tempDir()
        try source.write(toFile: dir + "/look.c", atomically: true, encoding: .utf8)
        try TestSupport.run(["cc", "-std=c11", "-Wall", "-Werror", "-Wno-unused-parameter", "-shared", "-fPIC", "-I", TestSupport.include, "-o", dir + "/liblook.so", dir + "/look.c"])
        let host = PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: store)
        let chain = try host.load(workspace: "ws-a", specs: [PluginSpec(name: "look")])
        var picture = TestSupport.message("")
        picture.kind = .image
        picture.media = { _ in PluginMedia(mimeType: "image/png", bytes: [1, 2, 3, 4, 5]) }
        #expect(chain.runBlocking(message: picture).verdict == .reply(text: "Got your image/png (5 bytes).", buttons: []))
        #expect(chain.runBlocking(message: TestSupport.message("hello")).verdict == .pass)
        picture.media = { _ in throw PluginMediaError(retryable: true, message: "HTTP 503") }
        let failed = chain.runBlocking(message: picture)
        #expect(failed.errors.first?.kind == .retryable)
        #expect(failed.errors.first?.message == "no picture (after host->media failed: HTTP 503)")
        chain.shutdown()
    }

    @Test func helloSwiftRunsBesideTheOtherSwiftPluginsWithItsOwnStatePerWorkspace() throws {
        let lib = TestSupport.buildDir + "/libhello-swift.so"
        guard FileManager.default.fileExists(atPath: lib) else {
            throw TestSupport.CommandFailed(description: "\(lib) missing: build the plugin products first (swift build)")
        }
        let logDir = TestSupport.tempDir()
        let (logger, logPath) = try TestSupport.fileLogger(logDir)
        let host = PluginHost(searchPaths: [TestSupport.buildDir], logger: logger, stateStore: store)
        func chain(_ ws: WorkspaceID, _ greeting: String) throws -> ResponderChain {
            try host.load(workspace: ws, specs: [
                PluginSpec(name: "hello-swift", configJSON: #"{"greeting": "\#(greeting)"}"#),
                PluginSpec(name: "faq", configJSON: #"{"entries": [{"id": "a", "questions": ["Do you deliver?"], "answer": "Yes."}]}"#),
                PluginSpec(name: "handoff"),
            ])
        }
        let a = try chain("ws-a", "Hi from A")
        let b = try chain("ws-b", "Hi from B")
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        let withHistory = TestSupport.message("hello", workspace: "ws-a") { _ in
            [PluginHistoryEntry(direction: .inbound, text: "is the shop open?", timestamp: t)]
        }
        #expect(a.runBlocking(message: withHistory).verdict
            == .reply(text: "Hi from A (You last wrote: is the shop open?)", buttons: ["Opening hours", "Talk to a person"]))
        #expect(a.runBlocking(message: TestSupport.message("hello", workspace: "ws-a")).verdict
            == .reply(text: "Hi from A", buttons: ["Opening hours", "Talk to a person"]))
        #expect(b.runBlocking(message: TestSupport.message("HELLO ", workspace: "ws-b")).verdict
            == .reply(text: "Hi from B", buttons: ["Opening hours", "Talk to a person"]))
        #expect(a.runBlocking(message: TestSupport.message("Do you deliver?", workspace: "ws-a")).plugin == "faq")
        #expect(try store.get(workspace: "ws-a", plugin: "hello-swift", key: "greetings") == Array("2".utf8))
        #expect(try store.get(workspace: "ws-b", plugin: "hello-swift", key: "greetings") == Array("1".utf8))
        let line = try #require(TestSupport.lines(logPath).last { $0["message"] == "greeted a customer" && $0["workspace"] == "ws-b" })
        #expect(line["plugin"] == "hello-swift" && line["greetings"] == "1" && line["level"] == "info")

        // A picture: the kit's message.media() downloads it through host->media.
        var picture = TestSupport.message("", workspace: "ws-a", conversation: "pic")
        picture.kind = .image
        picture.media = { _ in PluginMedia(mimeType: "image/jpeg", bytes: [UInt8](repeating: 1, count: 2048)) }
        #expect(a.runBlocking(message: picture).verdict == .reply(text: "Thanks for the picture (2048 bytes, image/jpeg).", buttons: []))
        picture.media = { _ in throw PluginMediaError(retryable: true, message: "curl error 28: Timeout was reached") }
        let failed = a.runBlocking(message: picture)
        #expect(failed.errors.first?.plugin == "hello-swift" && failed.errors.first?.kind == .retryable)
        #expect(failed.errors.first?.message.hasPrefix("media: the provider could not give it for now") == true)
        picture.media = nil
        #expect(a.runBlocking(message: picture).errors.isEmpty)

        // A config typo is refused with the key named.
        #expect(throws: PluginLoadError.self) {
            try host.load(workspace: "ws-c", specs: [PluginSpec(name: "hello-swift", configJSON: #"{"greting": "x"}"#)])
        }
        a.shutdown()
        b.shutdown()
    }
}
