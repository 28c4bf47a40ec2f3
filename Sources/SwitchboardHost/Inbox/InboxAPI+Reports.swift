import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

extension InboxAPI {
    /// The longest range a report covers, in days.
    static let maxReportDays = 366
    /// The range when the request names none: the last 14 days, today included.
    static let defaultReportDays = 14

    /// `GET /reports/daily?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv`: the daily report
    /// (`DailyReport`) of the caller's workspace, in its time zone; owners and admins only.
    /// CSV: one line per day and channel (`all` for every channel together), as a download.
    func dailyReport(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try Self.requireManager(context, to: "see the reports")
        let format = request.query["format"] ?? "json"
        guard format == "json" || format == "csv" else {
            throw InboxAPIError.badRequest("format must be json or csv, got '\(format)'")
        }
        let ws = store.workspace(context.workspace)
        let zoneName = try ws.record()?.timezone ?? "UTC"
        let zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        let today = DailyReport.dayString(clock(), timeZone: zone)
        let to = request.query["to"] ?? today
        let from = request.query["from"] ?? DailyReport.day(to, plus: -(Self.defaultReportDays - 1), timeZone: zone)
        guard let from, let starts = DailyReport.dayStarts(from: from, to: to, timeZone: zone) else {
            throw InboxAPIError.badRequest("from and to must be dates (YYYY-MM-DD), from not after to")
        }
        guard starts.count - 1 <= Self.maxReportDays else {
            throw InboxAPIError.badRequest("a report covers at most \(Self.maxReportDays) days")
        }
        let input = try ws.reports.reportInput(from: starts.first!, until: starts.last!)
        let result = DailyReport.compute(entries: input.entries, starts: input.starts, dayStarts: starts, timeZone: zone)
        let channels = result.channels.keys.sorted { $0.rawValue < $1.rawValue }
        if format == "csv" {
            var lines = ["date,channel,conversations_started,messages_in,messages_out,bot_only,bot_only_share,handoffs,"
                         + "first_replies,first_reply_median_seconds,first_reply_p90_seconds"]
            func line(_ r: DailyReport.Row, _ channel: String) -> String {
                func n(_ d: Double?) -> String { d.map { String(format: "%.3f", $0) } ?? "" }
                return [r.date, Self.csvField(channel), String(r.conversationsStarted), String(r.messagesIn), String(r.messagesOut),
                        String(r.botOnly), n(r.botOnlyShare), String(r.handoffs), String(r.firstReplyWaits.count),
                        n(r.firstReplyMedian), n(r.firstReplyP90)].joined(separator: ",")
            }
            lines += result.totals.map { line($0, "all") }
            for c in channels { lines += (result.channels[c] ?? []).map { line($0, c.rawValue) } }
            let name = "report-\(context.workspace.rawValue)-\(from)-\(to).csv"
            return HTTPResponse(status: 200, headers: [
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": "attachment; filename=\"\(name)\"",
                "X-Content-Type-Options": "nosniff",
            ], body: Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
        }
        return Self.json(AnyJSON.object([
            "from": .string(from), "to": .string(to), "timezone": .string(zone.identifier),
            "days": .array(result.totals.map(InboxJSON.reportRow)),
            "channels": .array(channels.map { c in
                .object(["channel": .string(c.rawValue), "days": .array((result.channels[c] ?? []).map(InboxJSON.reportRow))])
            }),
        ]))
    }

    /// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180), and
    /// with a leading `'` when a spreadsheet would read it as a formula.
    static func csvField(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@".contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
