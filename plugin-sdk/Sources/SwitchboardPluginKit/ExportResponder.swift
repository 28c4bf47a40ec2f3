import CSwitchboardPlugin
import Synchronization

/// Builds (once) and returns the plugin's static descriptor for `R`. Call it from the
/// plugin's one exported function:
///
///     @_cdecl("switchboard_plugin_entry")
///     public func switchboardPluginEntry(_ hostABI: UInt32) -> UnsafeRawPointer? {
///         exportResponder(Hello.self, id: "hello", name: "Hello", version: "1.0.0",
///                         description: "Answers hello.")
///     }
///
/// One responder type per library. The descriptor and its strings live for the rest of
/// the process, as the ABI requires.
///
/// `inline: true` sets SB_PLUGIN_FLAG_INLINE (ABI 1.2): a promise that `handle` only
/// computes (no I/O, no sleeping or waiting on other threads, no `message.media()`)
/// and returns in well under a millisecond, so the host may call it on its own worker
/// thread instead of its plugin pool. Host functions other than media (replying,
/// logging, state) are fine. See THREADING in switchboard_plugin.h.
///
/// Every responder gets SB_PLUGIN_FLAG_DROP_CONFIG (ABI 1.4): the kit copies the config
/// text into `PluginConfig` before `init(context:config:)` and never reads it again, so
/// the host frees it once the instance is created (CONFIG in switchboard_plugin.h).
public func exportResponder<R: Responder>(
    _ type: R.Type, id: String, name: String, version: String, description: String, inline: Bool = false
) -> UnsafeRawPointer? {
    registration.withLock { reg -> UnsafeRawPointer? in
        if let reg { return UnsafeRawPointer(reg.descriptor) }
        let d = UnsafeMutablePointer<sb_plugin_descriptor>.allocate(capacity: 1)
        d.initialize(to: sb_plugin_descriptor())
        d.pointee.struct_size = UInt32(MemoryLayout<sb_plugin_descriptor>.size)
        d.pointee.abi_major = UInt16(SWITCHBOARD_PLUGIN_ABI_MAJOR)
        d.pointee.abi_minor = UInt16(SWITCHBOARD_PLUGIN_ABI_MINOR)
        d.pointee.id = leakedSBStr(id)
        d.pointee.name = leakedSBStr(name)
        d.pointee.version = leakedSBStr(version)
        d.pointee.description = leakedSBStr(description)
        d.pointee.create = kitCreate
        d.pointee.handle = kitHandle
        d.pointee.destroy = kitDestroy
        d.pointee.flags = (inline ? SB_PLUGIN_FLAG_INLINE : 0) | SB_PLUGIN_FLAG_DROP_CONFIG
        reg = Registration(make: { try R(context: $0, config: $1) }, descriptor: d)
        return UnsafeRawPointer(d)
    }
}

struct Registration: @unchecked Sendable {
    let make: @Sendable (PluginContext, PluginConfig) throws -> any Responder
    let descriptor: UnsafeMutablePointer<sb_plugin_descriptor>
}

/// Each plugin library links its own copy of this module, so this is per plugin.
let registration = Mutex<Registration?>(nil)

/// What the host gets back as the instance pointer.
final class InstanceBox {
    let responder: any Responder
    let context: PluginContext
    init(responder: any Responder, context: PluginContext) {
        self.responder = responder
        self.context = context
    }
}

func setError(_ err: UnsafeMutablePointer<sb_error>?, _ message: String) {
    withSBStr(message) { s in sb_error_set(err, s.ptr, s.len) }
}

func status(of error: any Error, _ err: UnsafeMutablePointer<sb_error>?) -> sb_status {
    if let e = error as? PluginError {
        setError(err, e.message)
        return e.status
    }
    setError(err, String(describing: error))
    return SB_ERR_PERMANENT
}

let kitCreate: @convention(c) (
    UnsafePointer<sb_instance_info>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<sb_error>?
) -> sb_status = { info, out, err in
    guard let info, let out, info.pointee.host != nil else {
        setError(err, "create called without instance info")
        return SB_ERR_INVALID
    }
    guard let make = registration.withLock({ $0?.make }) else {
        setError(err, "no responder exported")
        return SB_ERR_PERMANENT
    }
    let context = PluginContext(info: info)
    do {
        let responder = try make(context, PluginConfig(json: String(info.pointee.config_json)))
        out.pointee = Unmanaged.passRetained(InstanceBox(responder: responder, context: context)).toOpaque()
        return SB_OK
    } catch {
        return status(of: error, err)
    }
}

let kitHandle: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<sb_message>?, OpaquePointer?, UnsafeMutablePointer<sb_error>?
) -> sb_status = { instance, message, call, err in
    guard let instance, let message else {
        setError(err, "handle called without instance or message")
        return SB_ERR_INVALID
    }
    let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
    let host = box.context.host
    let verdict: Verdict
    do {
        verdict = try box.responder.handle(IncomingMessage(raw: message, call: call, host: host))
    } catch {
        return status(of: error, err)
    }
    switch verdict {
    case .pass:
        return SB_OK
    case let .reply(text, buttons):
        var s = withSBStr(text) { host.pointee.reply(call, $0) }
        for b in buttons where s == SB_OK { s = withSBStr(b) { host.pointee.add_button(call, $0) } }
        if s != SB_OK { setError(err, "the host refused the reply (status \(s)): empty, too long, or too many buttons") }
        return s
    case let .handoff(reason, message):
        var s = SB_OK
        if let message { s = withSBStr(message) { host.pointee.reply(call, $0) } }
        if s == SB_OK { s = withSBStr(reason) { host.pointee.handoff(call, $0) } }
        if s != SB_OK { setError(err, "the host refused the handoff (status \(s))") }
        return s
    case let .template(name, language, parameters):
        guard host.pointee.abi_minor >= 4, let send = host.pointee.send_template else {
            setError(err, "this host cannot send templates (ABI 1.\(host.pointee.abi_minor); send_template needs 1.4)")
            return SB_ERR_PERMANENT
        }
        let s = withSBStr(name) { n in
            withSBStr(language) { l in
                withSBStrs(parameters) { p in send(call, n, l, p.baseAddress, p.count) }
            }
        }
        if s != SB_OK { setError(err, "the host refused the template (status \(s)): a bad name, language or parameter") }
        return s
    }
}

/// `strings` as sb_str values, valid during `body`.
func withSBStrs<R>(_ strings: [String], _ body: (UnsafeBufferPointer<sb_str>) -> R) -> R {
    let copies = strings.map { Array($0.utf8) }
    var views: [sb_str] = []
    func nest(_ i: Int) -> R {
        if i == copies.count { return views.withUnsafeBufferPointer(body) }
        return copies[i].withUnsafeBufferPointer { b in
            views.append(sb_str(ptr: b.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: b.count))
            return nest(i + 1)
        }
    }
    return nest(0)
}

let kitDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { instance in
    guard let instance else { return }
    Unmanaged<InstanceBox>.fromOpaque(instance).release()
}
