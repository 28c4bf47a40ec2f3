// Times the per-message pieces of SwitchboardChannels that sit on the hot path of the
// webhook-to-reply pipeline, on the body the load generator sends (one text message):
//
//   swift build -c release --product channels-bench && .build/release/channels-bench
//
// Figures are printed, not judged. One run on the shared 2-core dev machine (release,
// 2026-11-28, the 445-byte body below), before and after the Foundation-free reader,
// the cached HMAC key states and the hand-written request body:
//   WhatsAppWebhook.parse                             11.8 µs  ->  3.0 µs
//   WhatsAppSignature.verify (HMAC-SHA256 + compare)   1.67 µs ->  0.56 µs
//   GraphAPIClient text request body                   6.4 µs  ->  0.20 µs
import CCrypto
import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport

let appSecret = "bench-app-secret-0123456789abcdef"
let m = FixtureMessage(id: "wamid.bench42", from: "2348000000042", name: "Bench", timestamp: 1_764_300_000,
                       content: .text("do you have agege bread today"))
let signed = WhatsAppFixtures.signedInbound([m], appSecret: appSecret)
let body = Data(signed.body)
let channelFor: (String) -> ChannelID? = { $0 == WhatsAppFixtures.phoneNumberID ? "wa-main" : nil }

func measure(_ label: String, _ n: Int, _ body: () throws -> Void) rethrows {
    for _ in 0..<(n / 10) { try body() }
    var best = Double.infinity
    for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { try body() }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n))
    }
    print(label.padding(toLength: 60, withPad: " ", startingAt: 0) + String(format: "%8.2f µs/call (best of 5)", best / 1000))
}

print("webhook body: \(body.count) bytes")
let sample = try GraphAPIClient.textMessageBody(to: .phone("2348000000042"), body: "We bake agege bread every morning from 6am.",
                                                replyTo: "wamid.bench42")
print("request body: " + String(decoding: sample, as: UTF8.self))
try measure("WhatsAppWebhook.parse", 20_000) {
    let p = try WhatsAppWebhook.parse(body: body, channelFor: channelFor)
    precondition(p.messages.count == 1)
}
try measure("WhatsAppSignature.verify (HMAC-SHA256 + compare)", 50_000) {
    try WhatsAppSignature.verify(body: body, header: signed.signature, appSecret: appSecret)
}
try measure("GraphAPIClient text request body", 50_000) {
    let b = try GraphAPIClient.textMessageBody(to: .phone("2348000000042"), body: "We bake agege bread every morning from 6am.",
                                               replyTo: "wamid.bench42")
    precondition(!b.isEmpty)
}

// The one-shot HMAC the signature check used before (fetches SHA-256 and keys new
// contexts on every call), for comparison, alone and on two threads at once.
func oneShotHMAC() {
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 32
    let key = Array(appSecret.utf8)
    signed.body.withUnsafeBytes { data in
        _ = HMAC(EVP_sha256(), key, Int32(key.count), data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, &out, &length)
    }
}
measure("one-shot HMAC(EVP_sha256(), ...) (before)", 50_000) { oneShotHMAC() }

/// Wall time per call with `threads` threads calling at once (each does `n` calls).
func measureThreads(_ label: String, threads: Int, _ n: Int, _ body: @escaping @Sendable () -> Void) {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let group = DispatchGroup()
    for _ in 0..<threads {
        group.enter()
        Thread { for _ in 0..<n { body() }; group.leave() }.start()
    }
    group.wait()
    let ns = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n * threads)
    print(label.padding(toLength: 60, withPad: " ", startingAt: 0) + String(format: "%8.2f µs/call (wall, %d threads)", ns / 1000, threads))
}
let signature = signed.signature
measureThreads("one-shot HMAC (before)", threads: 2, 200_000) { oneShotHMAC() }
measureThreads("WhatsAppSignature.verify", threads: 2, 200_000) {
    try? WhatsAppSignature.verify(body: body, header: signature, appSecret: appSecret)
}
