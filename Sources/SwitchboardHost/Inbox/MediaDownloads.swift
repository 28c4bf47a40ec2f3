import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog

/// Serves `GET /api/v1/messages/{id}/media` without holding an HTTP server thread: the
/// handler answers `.deferred` at once and a download thread of this pool looks the media
/// up, downloads it and streams it to the agent as it arrives. A provider that takes
/// seconds holds a download thread, never the server (/healthz, webhooks and the inbox
/// keep being answered).
///
/// Bounded everywhere:
/// - `downloads` threads; up to `4 × downloads` requests wait their turn, more get 503;
/// - each workspace may have `downloadsPerWorkspace` running or waiting, more get 429
///   (one workspace cannot take every thread);
/// - media over `maxBytes` gets a clear 502 (`media_too_large`) before anything is sent;
///   a download that fails after the headers went (grows past the limit, breaks, or
///   does not match its SHA-256) is cut off, so the agent never sees half a file as a
///   complete one;
/// - a slow agent holds at most `streamBuffer` bytes in memory (the download waits).
///
/// What is served: `Content-Disposition: attachment` unless the type is a known-safe
/// image or audio type, `Content-Security-Policy: sandbox; default-src 'none'` and
/// `X-Content-Type-Options: nosniff`, so a file a customer sent can never run as a page
/// of this origin.
final class MediaDownloads: Service, @unchecked Sendable {
    let name = "media-downloads"
    let fetcher: MediaFetcher
    let limits: HostConfig.Media
    let logger: Logger
    /// Bytes buffered for a slow agent before the download waits.
    static let streamBuffer = 256 << 10

    struct Job: Sendable {
        let workspace: WorkspaceID
        let message: MessageID
        let channel: ChannelID
        let mediaID: String
        let response: HTTPDeferredResponse
        /// Set: not an agent's request but media kept on arrival (`MediaArrivals`).
        var keep: (@Sendable () -> Void)? = nil
    }

    /// The media store, where media kept on arrival and agents' attachments are served
    /// from (nil: everything comes from the provider).
    var mediaStore: MediaStore?

    private struct Counts {
        var next = 0
        var total = 0
        var perWorkspace: [WorkspaceID: Int] = [:]
    }
    private let counts = Mutex(Counts())
    private let pool: KeyedWorkQueue<Int, Job>
    private let started = Atomic<Bool>(false)

    init(fetcher: MediaFetcher, limits: HostConfig.Media, logger: Logger) {
        self.fetcher = fetcher
        self.limits = limits
        self.logger = logger
        let box = WeakBox()
        pool = KeyedWorkQueue(workers: limits.downloads, name: "media") { _, job in
            box.value?.run(job)
        }
        box.value = self
    }

    /// Running plus waiting: the threads, and 4 times as many waiting their turn.
    var queueLimit: Int { limits.downloads * 5 }

    /// Downloads running or waiting (for tests and a gauge).
    var inFlight: Int { counts.withLock { $0.total } }

    func start() throws {
        if !started.exchange(true, ordering: .relaxed) { pool.start() }
    }

    func stop(deadline: ContinuousClock.Instant) {
        pool.stop(deadline: deadline)
    }

    /// The response for one media request: `.deferred` while the download runs, or 429
    /// / 503 at once when the workspace's or the host's downloads are all taken.
    func serve(workspace: WorkspaceID, message: MessageID, channel: ChannelID, mediaID: String) -> HTTPResponse {
        enum Admission { case accepted(Int), workspaceBusy, full }
        let admission = counts.withLock { c -> Admission in
            if c.perWorkspace[workspace, default: 0] >= limits.downloadsPerWorkspace { return .workspaceBusy }
            if c.total >= queueLimit { return .full }
            c.perWorkspace[workspace, default: 0] += 1
            c.total += 1
            c.next &+= 1
            return .accepted(c.next)
        }
        switch admission {
        case .workspaceBusy:
            return InboxAPIError(429, "this workspace already has \(limits.downloadsPerWorkspace) media downloads in progress; try again shortly",
                                 code: "too_many_downloads").response.with(header: "Retry-After", "1")
        case .full:
            return InboxAPIError(503, "the host's media downloads are all taken; try again shortly",
                                 code: "downloads_busy").response.with(header: "Retry-After", "1")
        case .accepted(let key):
            let deferred = HTTPDeferredResponse()
            pool.submit(key, Job(workspace: workspace, message: message, channel: channel, mediaID: mediaID, response: deferred))
            return .deferred(deferred)
        }
    }

    private func release(_ workspace: WorkspaceID) {
        counts.withLock { c in
            c.total -= 1
            let left = c.perWorkspace[workspace, default: 1] - 1
            c.perWorkspace[workspace] = left > 0 ? left : nil
        }
    }

    /// Runs `work` on a download thread: media kept on arrival share this pool (its
    /// threads, its provider limits), without counting against agents' admissions (they
    /// are never refused: the message is already stored and must get its file).
    func submitArrival(workspace: WorkspaceID, message: MessageID, _ work: @escaping @Sendable () -> Void) {
        let key = counts.withLock { c -> Int in
            c.next &+= 1
            return c.next
        }
        pool.submit(key, Job(workspace: workspace, message: message, channel: ChannelID(""), mediaID: "",
                             response: HTTPDeferredResponse(), keep: work))
    }

    /// On a download thread.
    private func run(_ job: Job) {
        if let keep = job.keep { keep(); return }
        defer { release(job.workspace) }
        let sink = AgentSink(job: job)
        do {
            try fetcher.stream(channel: job.channel, mediaID: job.mediaID, maxBytes: limits.maxBytes, to: sink)
            sink.finish()
        } catch {
            var fields = [LogKey.workspace: job.workspace.rawValue, "message_id": job.message.rawValue,
                          LogKey.error: error.description]
            if sink.startedStream {
                // Headers and some bytes went: cut the body off rather than end it.
                sink.abort()
                fields["sent_bytes"] = String(sink.sentBytes)
                logger.warn("media download failed while streaming; the response was cut off", fields)
            } else {
                logger.warn("media download failed", fields)
                let answer = error.tooLarge
                    ? InboxAPIError(502, "the media is larger than the \(limits.maxBytes) bytes this host serves: \(error)", code: "media_too_large")
                    : InboxAPIError(502, "the provider did not give the media: \(error)")
                job.response.complete(answer.response)
            }
        }
    }

    /// Known-safe types shown inline (images and audio a browser renders without
    /// running anything); everything else is an attachment.
    static let inlineTypes: Set<String> = [
        "image/jpeg", "image/png", "image/gif", "image/webp",
        "audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg", "audio/opus", "audio/wav",
    ]

    /// The provider's MIME type if it looks like one (`type/subtype` with token
    /// characters, optional parameters), else `application/octet-stream`.
    static func contentType(_ mime: String?) -> String {
        guard let mime, mime.utf8.count <= 200 else { return "application/octet-stream" }
        let base = mime.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let parts = base.split(separator: "/", omittingEmptySubsequences: false)
        let token: (Substring) -> Bool = { p in
            !p.isEmpty && p.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || "!#$&-^_.+".utf8.contains(c)
            }
        }
        guard parts.count == 2, token(parts[0]), token(parts[1]) else { return "application/octet-stream" }
        // Parameters are dropped: only the type matters here, and it keeps the header clean.
        return base.lowercased()
    }

    static func headers(mimeType: String?, message: MessageID, filename: String? = nil) -> HTTPHeaders {
        let type = contentType(mimeType)
        var h: HTTPHeaders = [
            "Content-Type": type,
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        ]
        if !inlineTypes.contains(type) {
            let safeID = message.rawValue.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            let safeName = filename.map { $0.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_. ".contains($0)) } }
            h["Content-Disposition"] = "attachment; filename=\"\(safeName.flatMap { $0.isEmpty ? nil : $0 } ?? "media-\(safeID)")\""
        }
        return h
    }

    /// Turns the download into the agent's response: the headers when the provider
    /// starts sending, then the bytes, with backpressure.
    final class AgentSink: GraphMediaSink {
        let job: Job
        private var stream: HTTPResponseStream?
        private(set) var sentBytes = 0
        var startedStream: Bool { stream != nil }

        init(job: Job) {
            self.job = job
        }

        func begin(mimeType: String?, contentLength: Int?) -> Bool {
            let stream = HTTPResponseStream(bounded: true)
            self.stream = stream
            var response = HTTPResponse(status: 200, headers: MediaDownloads.headers(mimeType: mimeType, message: job.message))
            response.stream = stream
            job.response.complete(response)
            return true
        }

        func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard let stream, stream.waitForRoom(below: MediaDownloads.streamBuffer) else { return false }
            guard stream.write(Array(bytes)) else { return false }
            sentBytes += bytes.count
            return true
        }

        func finish() {
            if let stream { stream.finish() } else { _ = begin(mimeType: nil, contentLength: 0); stream?.finish() }
        }

        func abort() { stream?.abort() }
    }
}

/// The pool's handler reaches its owner without keeping it alive.
private final class WeakBox: @unchecked Sendable {
    weak var value: MediaDownloads?
}

extension HTTPResponse {
    func with(header name: String, _ value: String) -> HTTPResponse {
        var r = self
        r.headers[name] = value
        return r
    }
}
