// Measures what one call across the plugin boundary costs, and a whole chain run.
//
//   swift build -c release --product switchboard-plugin-bench --product faq
//   .build/release/switchboard-plugin-bench [--swift-plugins .build/release]
//
// Builds plugin-sdk/examples/hello-c with cc into a temporary directory and calls its
// `handle` directly (the boundary: marshalled message, host table, verdict collection,
// no thread hop), then through a chain (pool thread, deadline, per-conversation
// counter in the in-memory store). With --swift-plugins DIR it also measures libfaq.so.
// Figures are printed, not judged; the target for the boundary is under 1 µs.
//
// One run on the shared 2-core dev machine (release, 2026-11-28, placeholder FAQ matcher):
//   hello (C): handle, message prepared once (the boundary)          104 ns/call
//   hello (C): prepare message + handle                              352 ns/call
//   hello (C): whole chain run (pool thread, deadline, counter)     9373 ns/call
//   faq, empty text (Swift kit only): handle, prepared once          118 ns/call
import Foundation
import SwitchboardTestSupport
import SwitchboardCore
import SwitchboardLog
import SwitchboardPlugins

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
var swiftDir: String?
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    if a == "--swift-plugins" { swiftDir = args.popFirst() }
}

let tmp = NSTemporaryDirectory() + "sb-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
let cc = ChildProcess()
cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
cc.arguments = ["cc", "-O2", "-shared", "-fPIC", "-I", root + "/plugin-sdk/include", "-o", tmp + "/libhello.so", root + "/plugin-sdk/examples/hello-c/hello.c"]
try cc.run()
cc.waitUntilExit()
guard cc.terminationStatus == 0 else { print("cc failed"); exit(1) }

let logger = Logger(sink: LogSink(level: .error, format: .text, fd: 2))
let host = PluginHost(searchPaths: [tmp] + (swiftDir.map { [$0] } ?? []), logger: logger, stateStore: InMemoryPluginStateStore())

func message(_ text: String) -> PluginMessage {
    PluginMessage(workspace: "bench", channel: "wa-main", conversation: ConversationID("c1"), message: MessageID("m1"),
                  senderE164: "+2348031234567", senderName: "Ada", text: text, timestamp: Date())
}

func measure(_ label: String, _ n: Int, _ body: () -> Void) {
    for _ in 0..<(n / 10) { body() }
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<n { body() }
    let ns = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n)
    print(label.padding(toLength: max(label.count, 88), withPad: " ", startingAt: 0) + String(format: "%8.0f ns/call", ns))
}

func bench(_ name: String, _ label: String, config: String, passText: String) throws {
    let chain = try host.load(workspace: "bench", specs: [PluginSpec(name: name, configJSON: config)])
    let instance = chain.instances[0]
    let prepared = PreparedPluginMessage(message(passText))
    measure("\(label): handle, message prepared once (the boundary)", 1_000_000) { _ = instance.invoke(prepared) }
    let msg = message(passText)
    measure("\(label): prepare message + handle", 500_000) { _ = instance.invoke(PreparedPluginMessage(msg)) }
    measure("\(label): whole chain run (pool thread, deadline, counter)", 50_000) { _ = chain.runBlocking(message: msg) }
}

print("Switchboard plugin ABI \(PluginHost.abiVersion)")
try bench("hello", "hello (C)", config: "{}", passText: "what time do you open?")
if swiftDir != nil {
    let faq = #"{"entries": [{"id": "h", "questions": ["When are you open?"], "answer": "8 to 7."}]}"#
    // Empty text: the FAQ passes at once, so this is the Swift kit's own overhead.
    try bench("faq", "faq, empty text (Swift kit only)", config: faq, passText: "")
    try bench("faq", "faq, no match (kit + matcher)", config: faq, passText: "do you sell bread")
}
