import Foundation

/// Opening hours of a business in its own timezone, parsed from
/// `mon-fri 09:00-17:00, sat 10:00-14:00` (clauses separated by `,` or `;`; days are
/// `mon`..`sun`, a range `mon-fri`, or `daily`; one or more `HH:MM-HH:MM` ranges per
/// clause, `24:00` allowed as an end; ranges do not cross midnight).
struct BusinessHours: Sendable, Equatable {
    /// Open minutes since midnight, per weekday (1 = Sunday ... 7 = Saturday, as
    /// `Calendar` numbers them).
    var windows: [Int: [Range<Int>]] = [:]
    var timeZone: TimeZone

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static let dayNames = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]
    static let weekdayNames = ["", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    init(parsing spec: String, timeZone: TimeZone) throws {
        let clauses = spec.split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try self.init(clauses: clauses, timeZone: timeZone)
    }

    init(clauses: [String], timeZone: TimeZone) throws {
        self.timeZone = timeZone
        guard !clauses.isEmpty else { throw ParseError(description: "hours: no opening hours given") }
        for clause in clauses {
            let parts = clause.lowercased().split(separator: " ").map(String.init)
            guard parts.count >= 2 else {
                throw ParseError(description: "hours: \"\(clause)\" needs days and times, like \"mon-fri 09:00-17:00\"")
            }
            let days = try Self.days(parts[0], clause: clause)
            for range in parts.dropFirst() {
                let r = try Self.minutes(range, clause: clause)
                for d in days { windows[d, default: []].append(r) }
            }
        }
        for d in windows.keys { windows[d]!.sort { $0.lowerBound < $1.lowerBound } }
    }

    private static func days(_ s: String, clause: String) throws -> [Int] {
        if s == "daily" { return Array(1...7) }
        let ends = s.split(separator: "-").map(String.init)
        guard (1...2).contains(ends.count), let a = dayNames[String(ends[0].prefix(3))], ends[0].count >= 3 else {
            throw ParseError(description: "hours: \"\(s)\" in \"\(clause)\" is not a day (mon, tue, ... sun, a range like mon-fri, or daily)")
        }
        guard ends.count == 2 else { return [a] }
        guard let b = dayNames[String(ends[1].prefix(3))], ends[1].count >= 3 else {
            throw ParseError(description: "hours: \"\(ends[1])\" in \"\(clause)\" is not a day")
        }
        // Monday-based order so that "fri-mon" wraps over the weekend.
        var out: [Int] = []
        var d = a
        while true {
            out.append(d)
            if d == b { break }
            d = d % 7 + 1
        }
        return out
    }

    private static func minutes(_ s: String, clause: String) throws -> Range<Int> {
        let ends = s.split(separator: "-").map(String.init)
        func hm(_ t: String) -> Int? {
            let p = t.split(separator: ":")
            guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440 else { return nil }
            return h * 60 + m
        }
        guard ends.count == 2, let a = hm(ends[0]), let b = hm(ends[1]) else {
            throw ParseError(description: "hours: \"\(s)\" in \"\(clause)\" is not a time range like 09:00-17:00")
        }
        guard a < b else {
            throw ParseError(description: "hours: \"\(s)\" in \"\(clause)\" ends before it starts (ranges cannot cross midnight)")
        }
        return a..<b
    }

    private var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        c.locale = Locale(identifier: "en_US_POSIX")
        return c
    }

    func isOpen(at date: Date) -> Bool {
        let c = calendar
        let parts = c.dateComponents([.weekday, .hour, .minute], from: date)
        let minute = parts.hour! * 60 + parts.minute!
        return windows[parts.weekday!, default: []].contains { $0.contains(minute) }
    }

    /// The next time the business opens after `date`, or nil if it never does.
    func nextOpening(after date: Date) -> Date? {
        let c = calendar
        let startOfToday = c.startOfDay(for: date)
        for offset in 0...7 {
            guard let day = c.date(byAdding: .day, value: offset, to: startOfToday) else { continue }
            let weekday = c.component(.weekday, from: day)
            for w in windows[weekday, default: []] {
                guard let opening = c.date(bySettingHour: w.lowerBound / 60, minute: w.lowerBound % 60, second: 0, of: day) else { continue }
                if opening > date { return opening }
            }
        }
        return nil
    }

    /// "9:00 today", "9:00 tomorrow", "10:00 on Saturday" (in the business's timezone),
    /// or "10:00 on 14 March" more than a week ahead.
    func describe(_ opening: Date, from now: Date) -> String {
        let c = calendar
        let p = c.dateComponents([.hour, .minute, .weekday, .day, .month], from: opening)
        let time = "\(p.hour!):" + (p.minute! < 10 ? "0" : "") + "\(p.minute!)"
        let days = c.dateComponents([.day], from: c.startOfDay(for: now), to: c.startOfDay(for: opening)).day ?? 0
        switch days {
        case 0: return "\(time) today"
        case 1: return "\(time) tomorrow"
        case 2...6: return "\(time) on \(Self.weekdayNames[p.weekday!])"
        default:
            let months = c.standaloneMonthSymbols
            return "\(time) on \(p.day!) \(months[p.month! - 1])"
        }
    }
}
