import CSwitchboardPlugin
import Foundation
import SwitchboardCore
import SwitchboardLog

/// The one host services table every plugin instance receives. The functions find their
/// workspace through the instance's `sb_host_ctx` (or the call's `sb_call`, looked up in
/// the `CallTable`, so a stale one is refused with SB_ERR_OUTSIDE_CALL), copy what they
/// are given before returning, and are thread-safe.
nonisolated(unsafe) let hostTable: UnsafeMutablePointer<sb_host> = {
    let t = UnsafeMutablePointer<sb_host>.allocate(capacity: 1)
    t.initialize(to: sb_host())
    t.pointee.struct_size = UInt32(MemoryLayout<sb_host>.size)
    t.pointee.abi_major = UInt16(SWITCHBOARD_PLUGIN_ABI_MAJOR)
    t.pointee.abi_minor = UInt16(SWITCHBOARD_PLUGIN_ABI_MINOR)
    t.pointee.log = hostLog
    t.pointee.state_get = hostStateGet
    t.pointee.state_set = hostStateSet
    t.pointee.state_delete = hostStateDelete
    t.pointee.now_ms = hostNow
    t.pointee.config = hostConfig
    t.pointee.reply = hostReply
    t.pointee.add_button = hostAddButton
    t.pointee.handoff = hostHandoff
    t.pointee.history = hostHistory
    t.pointee.media = hostMedia
    t.pointee.journal = hostJournal
    t.pointee.count = hostCount
    t.pointee.send_template = hostSendTemplate
    t.pointee.state_add = hostStateAdd
    return t
}()

/// Keys the host sets on every plugin log line; a plugin's field of the same name is
/// kept under `plugin_<key>` instead of overriding them.
private let reservedLogKeys: Set<String> = [LogKey.workspace, LogKey.plugin]

private let hostLog: @convention(c) (OpaquePointer?, Int32, sb_str, UnsafePointer<sb_field>?, Int) -> Void = { ctx, level, message, fields, count in
    guard let c = InstanceContext.from(ctx) else { return }
    let lvl: LogLevel = switch level {
    case SB_LOG_DEBUG: .debug
    case SB_LOG_INFO: .info
    case SB_LOG_WARN: .warn
    default: .error
    }
    guard c.workspaceLogger.isEnabled(lvl) else { return }
    var extra: [String: String] = [:]
    if let fields, count > 0 {
        for i in 0..<count {
            let k = String(fields[i].key)
            extra[reservedLogKeys.contains(k) ? "plugin_" + k : k] = String(fields[i].value)
        }
    }
    c.logger.log(lvl, String(message), extra)
}

private func validKey(_ key: sb_str) -> String? {
    guard key.len > 0, key.len <= Int(SB_MAX_STATE_KEY) else { return nil }
    return String(key)
}

private let hostStateGet: @convention(c) (OpaquePointer?, sb_str, UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<Int>?) -> sb_status = { ctx, key, buf, cap, lenOut in
    guard let c = InstanceContext.from(ctx), let k = validKey(key) else { return SB_ERR_INVALID }
    let value: [UInt8]?
    do {
        value = try c.store.get(workspace: c.workspace, plugin: c.plugin, key: k)
    } catch {
        c.logger.warn("plugin state read failed", [LogKey.error: "\(error)"])
        return SB_ERR_RETRYABLE
    }
    guard let value else { lenOut?.pointee = 0; return SB_ERR_NOT_FOUND }
    lenOut?.pointee = value.count
    guard value.count <= cap else { return SB_ERR_BUFFER_TOO_SMALL }
    if let buf, !value.isEmpty {
        value.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: value.count) }
    }
    return SB_OK
}

private let hostStateSet: @convention(c) (OpaquePointer?, sb_str, UnsafeRawPointer?, Int) -> sb_status = { ctx, key, value, len in
    guard let c = InstanceContext.from(ctx), let k = validKey(key), len <= Int(SB_MAX_STATE_VALUE), len == 0 || value != nil else { return SB_ERR_INVALID }
    let bytes = len == 0 ? [] : Array(UnsafeRawBufferPointer(start: value, count: len))
    do {
        try c.store.set(workspace: c.workspace, plugin: c.plugin, key: k, value: bytes)
        return SB_OK
    } catch {
        c.logger.warn("plugin state write failed", [LogKey.error: "\(error)"])
        return SB_ERR_RETRYABLE
    }
}

private let hostStateAdd: @convention(c) (OpaquePointer?, sb_str, Int64, UnsafePointer<Int64>?, UnsafeMutablePointer<Int64>?) -> sb_status = { ctx, key, delta, ceiling, totalOut in
    guard let c = InstanceContext.from(ctx), let k = validKey(key) else { return SB_ERR_INVALID }
    do {
        guard let total = try c.store.add(workspace: c.workspace, plugin: c.plugin, key: k, delta: delta,
                                          ceiling: ceiling?.pointee) else { return SB_ERR_LIMIT }
        totalOut?.pointee = total
        return SB_OK
    } catch let error as PluginStateNotAnInteger {
        c.logger.warn("plugin state add refused: the value is not an integer", [LogKey.error: "\(error)"])
        return SB_ERR_INVALID
    } catch {
        c.logger.warn("plugin state add failed", [LogKey.error: "\(error)"])
        return SB_ERR_RETRYABLE
    }
}

private let hostStateDelete: @convention(c) (OpaquePointer?, sb_str) -> sb_status = { ctx, key in
    guard let c = InstanceContext.from(ctx), let k = validKey(key) else { return SB_ERR_INVALID }
    do {
        try c.store.delete(workspace: c.workspace, plugin: c.plugin, key: k)
        return SB_OK
    } catch {
        c.logger.warn("plugin state delete failed", [LogKey.error: "\(error)"])
        return SB_ERR_RETRYABLE
    }
}

private let hostNow: @convention(c) (OpaquePointer?) -> Int64 = { ctx in
    let now = InstanceContext.from(ctx)?.clock() ?? Date()
    return Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
}

private let hostConfig: @convention(c) (OpaquePointer?) -> sb_str = { ctx in
    InstanceContext.from(ctx)?.configView ?? sb_str(ptr: nil, len: 0)
}

private let hostReply: @convention(c) (OpaquePointer?, sb_str) -> sb_status = { call, text in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    guard text.len > 0, text.len <= Int(SB_MAX_REPLY_TEXT) else { return SB_ERR_INVALID }
    let s = String(text)
    return c.state.withLock { st in
        guard st.open else { return SB_ERR_OUTSIDE_CALL }
        st.reply = s
        st.template = nil
        return SB_OK
    }
}

private let hostAddButton: @convention(c) (OpaquePointer?, sb_str) -> sb_status = { call, title in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    guard title.len > 0, title.len <= Int(SB_MAX_BUTTON_TITLE) else { return SB_ERR_INVALID }
    let s = String(title)
    return c.state.withLock { st in
        guard st.open else { return SB_ERR_OUTSIDE_CALL }
        guard st.buttons.count < Int(SB_MAX_BUTTONS) else { return SB_ERR_INVALID }
        st.buttons.append(s)
        return SB_OK
    }
}

private let hostHandoff: @convention(c) (OpaquePointer?, sb_str) -> sb_status = { call, reason in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    guard reason.len <= Int(SB_MAX_REPLY_TEXT) else { return SB_ERR_INVALID }
    let s = String(reason)
    return c.state.withLock { st in
        guard st.open else { return SB_ERR_OUTSIDE_CALL }
        st.handoffReason = s
        return SB_OK
    }
}

private let hostHistory: @convention(c) (OpaquePointer?, UInt32, sb_history_visitor?, UnsafeMutableRawPointer?) -> sb_status = { call, max, visit, user in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    guard let visit else { return SB_ERR_INVALID }
    guard c.state.withLock({ $0.open }) else { return SB_ERR_OUTSIDE_CALL }
    guard let source = c.history, max > 0 else { return SB_OK }
    let entries: [PluginHistoryEntry]
    do {
        entries = try source(Int(max))
    } catch {
        c.instance.logger.warn("conversation history read failed", [LogKey.error: "\(error)"])
        c.noteHostFailure("history failed: \(error)")
        return SB_ERR_RETRYABLE
    }
    for e in entries.suffix(Int(max)) {
        let arena = StringArena([e.direction.rawValue, e.kind.rawValue, e.text, e.author])
        var entry = sb_history_entry()
        entry.struct_size = UInt32(MemoryLayout<sb_history_entry>.size)
        entry.direction = arena.views[0]
        entry.kind = arena.views[1]
        entry.text = arena.views[2]
        entry.author = arena.views[3]
        entry.timestamp_ms = Int64((e.timestamp.timeIntervalSince1970 * 1000).rounded(.down))
        let stop = withExtendedLifetime(arena) { visit(user, &entry) }
        if stop != 0 { break }
    }
    return SB_OK
}

private let hostMedia: @convention(c) (OpaquePointer?, sb_media_visitor?, UnsafeMutableRawPointer?) -> sb_status = { call, visit, user in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    guard let visit else { return SB_ERR_INVALID }
    guard c.state.withLock({ $0.open }) else { return SB_ERR_OUTSIDE_CALL }
    guard let source = c.media else { return SB_ERR_NOT_FOUND }
    let media: PluginMedia
    do throws(PluginMediaError) {
        media = try source.get()
    } catch {
        c.instance.logger.warn("message media download failed", [
            LogKey.message: c.message.rawValue, "retryable": String(error.retryable), LogKey.error: error.message,
        ])
        c.noteHostFailure("media failed: \(error.message)")
        return error.retryable ? SB_ERR_RETRYABLE : SB_ERR_PERMANENT
    }
    let mime = StringArena([media.mimeType])
    media.bytes.withUnsafeBufferPointer { bytes in
        var view = sb_media()
        view.struct_size = UInt32(MemoryLayout<sb_media>.size)
        view.mime_type = mime.views[0]
        view.bytes = bytes.isEmpty ? nil : bytes.baseAddress
        view.len = bytes.count
        withExtendedLifetime(mime) { visit(user, &view) }
    }
    return SB_OK
}

/// A journal event's or counter's name: 1-SB_MAX_EVENT_NAME bytes of [a-z0-9_], and `.`
/// when `dots`.
private func validName(_ name: sb_str, dots: Bool) -> String? {
    guard name.len > 0, name.len <= Int(SB_MAX_EVENT_NAME), let p = name.ptr else { return nil }
    let bytes = UnsafeRawBufferPointer(start: p, count: name.len)
    for b in bytes {
        let ok = (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            || b == UInt8(ascii: "_") || (dots && b == UInt8(ascii: "."))
        guard ok else { return nil }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Journal detail keys the host sets on a `plugin_event`; a plugin's field of the same
/// name is kept under `field_<key>`.
private let reservedEventKeys: Set<String> = ["plugin", "event"]

private let hostJournal: @convention(c) (OpaquePointer?, sb_str, UnsafePointer<sb_field>?, Int) -> sb_status = { call, event, fields, count in
    guard let c = CallContext.from(call) else { return CallContext.refusal(call) }
    guard let name = validName(event, dots: true), count >= 0, count <= Int(SB_MAX_EVENT_FIELDS),
          count == 0 || fields != nil else { return SB_ERR_INVALID }
    var detail: [String: String] = [:]
    if let fields {
        for i in 0..<count {
            let f = fields[i]
            guard f.key.len > 0, f.key.len <= Int(SB_MAX_EVENT_NAME), f.value.len <= Int(SB_MAX_EVENT_VALUE),
                  f.key.ptr != nil, f.value.len == 0 || f.value.ptr != nil else { return SB_ERR_INVALID }
            let k = String(f.key)
            detail[reservedEventKeys.contains(k) ? "field_" + k : k] = String(f.value)
        }
    }
    let entry = PluginJournalEntry(plugin: c.instance.plugin, event: name, fields: detail)
    return c.state.withLock { st in
        guard st.open else { return SB_ERR_OUTSIDE_CALL }
        guard st.events.count < Int(SB_MAX_EVENTS_PER_CALL) else { return SB_ERR_INVALID }
        st.events.append(entry)
        return SB_OK
    }
}

private let hostCount: @convention(c) (OpaquePointer?, sb_str, Double) -> sb_status = { ctx, name, value in
    guard let c = InstanceContext.from(ctx), let n = validName(name, dots: false), value.isFinite, value >= 0 else {
        return SB_ERR_INVALID
    }
    let known = c.counterNames.withLock { names -> Bool in
        if names.contains(n) { return true }
        guard names.count < Int(SB_MAX_COUNTERS) else { return false }
        names.insert(n)
        return true
    }
    guard known else { return SB_ERR_INVALID }
    c.counters?.add(plugin: c.plugin, workspace: c.workspace, name: n, value: value)
    return SB_OK
}
