// hello-swift: the Swift twin of examples/hello-c, built with SwitchboardPluginKit.
//
// Replies to "hello" with the configured greeting and two quick-reply buttons, counts
// greetings in the workspace's state, and mentions the customer's last message when
// the conversation has one. Thanks the customer for a picture, with its size and type
// (downloaded through the host: ABI 1.1). With `ready_template` set, answers "is my order
// ready?" with that approved WhatsApp template, the customer's name as {{1}} (ABI 1.4).
// Everything else passes.
//
// Package.swift declares it as the dynamic library product `hello-swift`
// (libhello-swift.so), module HelloSwiftPlugin: every Swift plugin needs its own module
// name. Build: swift build --product hello-swift
import Foundation
import SwitchboardPluginKit

struct HelloSwift: Responder {
    let context: PluginContext
    let greeting: String
    /// An approved template of the channel ("order_ready", language en_US), or nil.
    let readyTemplate: String?

    init(context: PluginContext, config: PluginConfig) throws {
        try config.rejectUnknownKeys(["greeting", "ready_template"])
        self.context = context
        greeting = try config.string("greeting") ?? "Hello! How can we help?"
        readyTemplate = try config.string("ready_template")
    }

    func handle(_ message: IncomingMessage) throws -> Verdict {
        if message.kind == "image" {
            // Downloaded only now, when asked; nil if the message carried none after all.
            guard let picture = try message.media() else { return .pass }
            return .reply("Thanks for the picture (\(picture.bytes.count) bytes, \(picture.mimeType)).")
        }
        let said = message.text.trimmingCharacters(in: .whitespaces).lowercased()
        if let readyTemplate, said == "is my order ready?" {
            return .template(name: readyTemplate, language: "en_US",
                             parameters: [message.senderName.isEmpty ? "there" : message.senderName])
        }
        guard said == "hello" else { return .pass }
        // State is this workspace's only: the host bound the workspace at creation.
        let count = (try context.stateString("greetings")).flatMap { Int($0) } ?? 0
        try context.setState("greetings", String(count + 1))
        context.info("greeted a customer", ["conversation": message.conversationID, "greetings": String(count + 1)])
        var text = greeting
        if let last = try message.history(limit: 1).last, last.inbound {
            text += " (You last wrote: \(last.text))"
        }
        return .reply(text, buttons: ["Opening hours", "Talk to a person"])
    }
}

@_cdecl("switchboard_plugin_entry")
public func switchboardPluginEntry(_ hostABI: UInt32) -> UnsafeRawPointer? {
    exportResponder(HelloSwift.self, id: "hello-swift", name: "Hello (Swift)", version: "1.0.0",
                    description: "Replies to hello, in Swift.")
}
