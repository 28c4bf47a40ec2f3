import CMicroHTTPD
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

// libmicrohttpd's C callbacks. They cannot capture, so the server's core travels as
// `cls` (unretained: the daemon is stopped before the core is released) and each
// request's context as `*con_cls` (retained by the URI-log callback, released by the
// completed callback).

let uriLogCallback: CMicroHTTPD_URILogCallback = { cls, uri, _ in
    guard let cls else { return nil }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    let ctx = RequestContext(target: uri.map { String(cString: $0) } ?? "/")
    core.requestBegan()
    return Unmanaged.passRetained(ctx).toOpaque()
}

/// New connections while the server stops are closed at once, unread: how a stopping
/// server stops accepting. Not `MHD_quiesce_daemon`: with epoll and internal threads it
/// races the daemon's own threads to take the listening socket out of their epoll sets,
/// and the loser aborts the process ("Failed to remove listen FD from epoll set", an
/// open libmicrohttpd defect; a host stopped by SIGTERM under load died that way). The
/// listening socket closes with `MHD_stop_daemon` once requests in flight are done.
let acceptPolicyCallback: MHD_AcceptPolicyCallback = { cls, _, _ in
    guard let cls else { return .YES }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    return core.stopping.load(ordering: .acquiring) ? .NO : .YES
}

let accessHandlerCallback: MHD_AccessHandlerCallback = { cls, connection, _, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let raw = conCls.pointee, let uploadSize else { return .NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    let ctx = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
    return core.handle(connection: connection, context: ctx, method: method,
                       uploadData: uploadData, uploadSize: uploadSize)
}

let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, _, conCls, code in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    let ctx = Unmanaged<RequestContext>.fromOpaque(raw).takeRetainedValue()
    core.requestEnded(ctx, ok: code == .REQUEST_TERMINATED_COMPLETED_OK)
}

let contentReaderCallback: MHD_ContentReaderCallback = { cls, _, buf, max in
    guard let cls, let buf else { return CMicroHTTPD_CONTENT_READER_END_WITH_ERROR() }
    return Unmanaged<HTTPResponseStream>.fromOpaque(cls).takeUnretainedValue().read(into: buf, max: max)
}

let contentReaderFreeCallback: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    Unmanaged<HTTPResponseStream>.fromOpaque(cls).takeRetainedValue().detach()
}

let headerIteratorCallback: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls else { return .NO }
    let box = Unmanaged<HeaderBox>.fromOpaque(cls).takeUnretainedValue()
    box.fields.append((name: key.map { String(cString: $0) } ?? "", value: value.map { String(cString: $0) } ?? ""))
    return .YES
}

let mhdLogCallback: CMicroHTTPD_LogFunction = { cls, message in
    guard let cls, let message else { return }
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().mhdLog(String(cString: message))
}

final class HeaderBox {
    var fields: [(name: String, value: String)] = []
}

/// What `ServerCore.framingProblem` counts among a request's headers.
struct FramingHeaders {
    var contentLength = 0
    var transferEncoding = 0
    var badContentLength = false
}

let framingIteratorCallback: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let counts = cls.assumingMemoryBound(to: FramingHeaders.self)
    if strcasecmp(key, "Content-Length") == 0 {
        counts.pointee.contentLength += 1
        var p = value
        var digits = 0
        while let c = p?.pointee, c != 0 {
            if c < 48 || c > 57 { counts.pointee.badContentLength = true; break }
            digits += 1
            p = p! + 1
        }
        if digits == 0 { counts.pointee.badContentLength = true }
    } else if strcasecmp(key, "Transfer-Encoding") == 0 {
        counts.pointee.transferEncoding += 1
    }
    return .YES
}
