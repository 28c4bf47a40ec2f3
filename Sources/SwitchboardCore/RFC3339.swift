import Foundation

/// Times as the host writes them (logs, the journal, the APIs): RFC 3339 in UTC with milliseconds, `2026-11-28T02:41:11.123Z`.
/// The store keeps whole milliseconds, so a time written by one call and read back by
/// another prints the same. Integer arithmetic only (no formatter, no locale, no rounding
/// surprises): days to a civil date after Howard Hinnant's `civil_from_days`.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let msPerDay: Int64 = 86_400_000
        let days = ms >= 0 ? ms / msPerDay : (ms - (msPerDay - 1)) / msPerDay
        let inDay = ms - days * msPerDay

        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)

        let hour = inDay / 3_600_000
        let minute = inDay / 60_000 % 60
        let second = inDay / 1000 % 60
        let milli = inDay % 1000
        // Years 0-9999 fit the fixed layout; others (never a log line's) take the slow path.
        guard (0...9999).contains(year) else {
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":"
                + pad(second, 2) + "." + pad(milli, 3) + "Z"
        }
        // Written into one buffer (every log line has a timestamp: no string per field).
        return String(unsafeUninitializedCapacity: 24) { out in
            func digits(_ n: Int64, _ width: Int, at start: Int) {
                var v = n
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    out[i] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            digits(year, 4, at: 0); out[4] = 45 // -
            digits(month, 2, at: 5); out[7] = 45
            digits(day, 2, at: 8); out[10] = 84 // T
            digits(hour, 2, at: 11); out[13] = 58 // :
            digits(minute, 2, at: 14); out[16] = 58
            digits(second, 2, at: 17); out[19] = 46 // .
            digits(milli, 3, at: 20); out[23] = 90 // Z
            return 24
        }
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
