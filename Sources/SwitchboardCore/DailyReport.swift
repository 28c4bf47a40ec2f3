import Foundation

/// The owner's report: per day of the workspace's time zone, and per channel, what the
/// journal says happened. Pure: the store reads the journal of the range, this counts.
///
/// - **conversations started**: conversations created that day, and resolved ones that a
///   customer's message reopened (`state_changed`, trigger `inbound`).
/// - **messages in / out**: `received` events; `sent` events (bot and agents alike).
/// - **bot only**: of the conversations started that day, those the bot answered (a
///   `queued` reply without an author) with no move to a human (handoff or take over)
///   before they were resolved or the range ended; `botOnlyShare` is that share.
/// - **handoffs**: moves from `bot` to `human` (trigger `handoff` or `take_over`).
/// - **first agent reply**: from such a move to the next reply queued by an agent in that
///   conversation, counted on the day of the move; moves not answered within the range
///   (or resolved or handed back first) are not in the figures. Median and p90 are the
///   nearest-rank percentiles of these waits.
///
/// A day with nothing still has its row (for the chart); a channel has rows only when it
/// had any event in the range.
public enum DailyReport {
    /// A conversation created in the range (its first message), from the store.
    public struct Start: Sendable, Equatable {
        public var conversation: ConversationID
        public var channel: ChannelID
        public var at: Date

        public init(conversation: ConversationID, channel: ChannelID, at: Date) {
            self.conversation = conversation
            self.channel = channel
            self.at = at
        }
    }

    /// One journal event as the report reads it: the store gives these (the details it
    /// needs already taken out of the event's JSON, which is what costs time over a month
    /// of a busy workspace's journal).
    public struct Entry: Sendable, Equatable {
        public var kind: EventKind
        public var conversation: ConversationID?
        public var channel: ChannelID?
        public var at: Date
        /// `queued`: whether an agent wrote it (the detail has an `author`).
        public var byAgent: Bool
        /// `state_changed`: the detail's `from`, `to` and `trigger`.
        public var from: String?
        public var to: String?
        public var trigger: String?

        public init(kind: EventKind, conversation: ConversationID?, channel: ChannelID?, at: Date, byAgent: Bool = false,
                    from: String? = nil, to: String? = nil, trigger: String? = nil) {
            self.kind = kind
            self.conversation = conversation
            self.channel = channel
            self.at = at
            self.byAgent = byAgent
            self.from = from
            self.to = to
            self.trigger = trigger
        }

        /// The entry of a journal event (its details decoded here).
        public init(_ event: Event) {
            let detail = event.kind == .queued || event.kind == .stateChanged ? event.detail ?? [:] : [:]
            self.init(kind: event.kind, conversation: event.conversationID, channel: event.channelID, at: event.createdAt,
                      byAgent: detail["author"] != nil, from: detail["from"], to: detail["to"], trigger: detail["trigger"])
        }
    }

    public struct Row: Sendable, Equatable {
        /// `YYYY-MM-DD` in the workspace's time zone.
        public var date: String
        /// nil: every channel together.
        public var channel: ChannelID?
        public var conversationsStarted = 0
        public var messagesIn = 0
        public var messagesOut = 0
        public var botOnly = 0
        public var handoffs = 0
        /// Seconds from each answered handoff to the first agent reply, in order of the handoffs.
        public var firstReplyWaits: [Double] = []

        public init(date: String, channel: ChannelID?) {
            self.date = date
            self.channel = channel
        }

        /// Share of the conversations started that the bot handled alone; nil when none started.
        public var botOnlyShare: Double? {
            conversationsStarted == 0 ? nil : Double(botOnly) / Double(conversationsStarted)
        }

        public var firstReplyMedian: Double? { DailyReport.percentile(firstReplyWaits, 0.5) }
        public var firstReplyP90: Double? { DailyReport.percentile(firstReplyWaits, 0.9) }
    }

    public struct Result: Sendable, Equatable {
        /// The days of the range, oldest first.
        public var days: [String]
        /// One row per day, every channel together.
        public var totals: [Row]
        /// One row per day for each channel with activity, by channel id then day.
        public var channels: [ChannelID: [Row]]
    }

    /// The range `from...to` (inclusive days, `YYYY-MM-DD`) as instants: the start of each
    /// day and the start of the day after `to`. nil when a date is not a real date, or
    /// `to` is before `from`.
    public static func dayStarts(from: String, to: String, timeZone: TimeZone) -> [Date]? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let first = date(from, calendar), let last = date(to, calendar), first <= last else { return nil }
        var starts: [Date] = []
        var day = first
        while day <= last {
            starts.append(day)
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = next
        }
        starts.append(day)
        return starts
    }

    /// The day `days` days after `day` (before, when negative), `YYYY-MM-DD`; nil when
    /// `day` is not a date.
    public static func day(_ day: String, plus days: Int, timeZone: TimeZone) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let start = date(day, calendar), let moved = calendar.date(byAdding: .day, value: days, to: start) else { return nil }
        return dayString(moved, timeZone: timeZone)
    }

    /// `YYYY-MM-DD` of `date` in `timeZone`.
    public static func dayString(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private static func date(_ text: String, _ calendar: Calendar) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        let components = DateComponents(year: y, month: m, day: d)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    /// Counts `events` (the journal of the range, in id order; other kinds are ignored)
    /// and `starts` into one row per day of `dayStarts` (from `dayStarts(from:to:timeZone:)`).
    public static func compute(events: [Event], starts: [Start], dayStarts: [Date], timeZone: TimeZone) -> Result {
        compute(entries: events.map(Entry.init), starts: starts, dayStarts: dayStarts, timeZone: timeZone)
    }

    /// As `compute(events:...)`, from entries the store prepared.
    public static func compute(entries: [Entry], starts: [Start], dayStarts: [Date], timeZone: TimeZone) -> Result {
        let days = dayStarts.dropLast().map { dayString($0, timeZone: timeZone) }
        var totals = days.map { Row(date: $0, channel: nil) }
        var channels: [ChannelID: [Row]] = [:]

        /// The index of the day `date` falls in, or nil outside the range.
        func dayIndex(_ date: Date) -> Int? {
            guard let first = dayStarts.first, let end = dayStarts.last, date >= first, date < end else { return nil }
            var lo = 0, hi = dayStarts.count - 1   // dayStarts[lo] <= date < dayStarts[hi]
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if dayStarts[mid] <= date { lo = mid } else { hi = mid }
            }
            return lo
        }
        func update(_ day: Int, _ channel: ChannelID?, _ change: (inout Row) -> Void) {
            change(&totals[day])
            guard let channel else { return }
            if channels[channel] == nil { channels[channel] = days.map { Row(date: $0, channel: channel) } }
            change(&channels[channel]![day])
        }

        struct Episode {
            var day: Int
            var channel: ChannelID
            var botReplied = false
            var handedOff = false
        }
        var episodes: [ConversationID: Episode] = [:]
        var waiting: [ConversationID: (at: Date, day: Int, channel: ChannelID?)] = [:]

        func close(_ conversation: ConversationID) {
            guard let e = episodes.removeValue(forKey: conversation) else { return }
            update(e.day, e.channel) { row in
                row.conversationsStarted += 1
                if e.botReplied && !e.handedOff { row.botOnly += 1 }
            }
        }

        for start in starts {
            guard let day = dayIndex(start.at) else { continue }
            episodes[start.conversation] = Episode(day: day, channel: start.channel)
        }
        for event in entries {
            guard let day = dayIndex(event.at) else { continue }
            let channel = event.channel
            switch event.kind {
            case .received:
                update(day, channel) { $0.messagesIn += 1 }
            case .sent:
                update(day, channel) { $0.messagesOut += 1 }
            case .queued:
                guard let conversation = event.conversation else { break }
                if event.byAgent {
                    if let w = waiting.removeValue(forKey: conversation) {
                        let wait = max(0, event.at.timeIntervalSince(w.at))
                        update(w.day, w.channel) { $0.firstReplyWaits.append(wait) }
                    }
                } else {
                    episodes[conversation]?.botReplied = true
                }
            case .stateChanged:
                guard let conversation = event.conversation else { break }
                let from = event.from, to = event.to
                if from == "bot" && to == "human" {
                    update(day, channel) { $0.handoffs += 1 }
                    episodes[conversation]?.handedOff = true
                    if waiting[conversation] == nil { waiting[conversation] = (event.at, day, channel) }
                } else if to == "resolved" {
                    close(conversation)
                    waiting[conversation] = nil
                } else if to == "bot" {
                    waiting[conversation] = nil
                    if from == "resolved" && event.trigger == "inbound", let channel {
                        close(conversation)
                        episodes[conversation] = Episode(day: day, channel: channel)
                    }
                }
            default:
                break
            }
        }
        for conversation in Array(episodes.keys) { close(conversation) }
        return Result(days: days, totals: totals, channels: channels)
    }

    /// The nearest-rank percentile `p` (0...1) of `values`; nil for none.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
