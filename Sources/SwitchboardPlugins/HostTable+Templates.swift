import CSwitchboardPlugin
import Foundation

/// A message template a plugin answered with (`host->send_template`, ABI 1.4).
public struct PluginTemplate: Sendable, Equatable {
    public var name: String
    public var language: String
    /// Body parameters {{1}}, {{2}}, ... in order.
    public var parameters: [String]

    public init(name: String, language: String, parameters: [String]) {
        self.name = name
        self.language = language
        self.parameters = parameters
    }
}

/// `host->send_template`: checks sizes here (the template itself is checked by the host
/// against the channel's synced list when the verdict is queued), copies, and keeps it
/// as the call's answer in place of a text reply.
let hostSendTemplate: @convention(c) (OpaquePointer?, sb_str, sb_str, UnsafePointer<sb_str>?, Int) -> sb_status = {
    call, name, language, params, count in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    let limit = Int(SB_MAX_TEMPLATE_NAME)
    guard (1...limit).contains(name.len), (1...limit).contains(language.len),
          count >= 0, count <= Int(SB_MAX_TEMPLATE_PARAMS), count == 0 || params != nil else {
        c.noteHostFailure("send_template: a name or language of 1-\(limit) bytes and at most \(SB_MAX_TEMPLATE_PARAMS) parameters")
        return SB_ERR_INVALID
    }
    var values: [String] = []
    for i in 0..<count {
        let p = params![i]
        guard (1...Int(SB_MAX_TEMPLATE_PARAM)).contains(p.len) else {
            c.noteHostFailure("send_template: parameter \(i + 1) must have 1-\(SB_MAX_TEMPLATE_PARAM) bytes")
            return SB_ERR_INVALID
        }
        let text = String(p)
        guard !text.contains("\n"), !text.contains("\t") else {
            c.noteHostFailure("send_template: parameter \(i + 1) has a newline or a tab")
            return SB_ERR_INVALID
        }
        values.append(text)
    }
    let template = PluginTemplate(name: String(name), language: String(language), parameters: values)
    return c.state.withLock { st in
        guard st.open else { return SB_ERR_OUTSIDE_CALL }
        st.template = template
        st.reply = nil
        st.buttons = []
        return SB_OK
    }
}
