import Foundation
import SwitchboardHTTP
import SwitchboardLog

extension InboxAPI {
    /// `GET /events`: the workspace's journal as server-sent events, from the moment of
    /// the request, or after `Last-Event-ID` when the client resumes.
    func events(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let events = store.workspace(context.workspace).events
        let start: Int64
        if let header = request.headers["Last-Event-ID"]?.trimmingCharacters(in: .whitespaces), !header.isEmpty {
            guard let id = Int64(header), id >= 0 else {
                throw InboxAPIError.badRequest("Last-Event-ID must be the id of an event this stream sent, got '\(header)'")
            }
            start = id
        } else {
            start = try events.tail(conversation: nil, limit: 1).last?.id ?? 0
        }
        let stream = HTTPResponseStream()
        // Where every append is announced (PostgreSQL), the feed reads when woken and polls
        // only as a safety net, once a heartbeat.
        let announced = journalWakeups?.announced == true
        EventFeed(stream: stream, events: events, after: start,
                  pollInterval: announced ? max(eventPollInterval, heartbeatInterval) : eventPollInterval,
                  heartbeatInterval: heartbeatInterval,
                  logger: logger.with(LogKey.workspace, context.workspace.rawValue))
            .start(counting: openEventStreams, wakeups: journalWakeups, workspace: context.workspace)
        return .eventStream(stream, headers: ["X-Accel-Buffering": "no"])
    }
}
