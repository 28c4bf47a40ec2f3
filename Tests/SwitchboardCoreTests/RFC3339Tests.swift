import Foundation
import Testing
import SwitchboardCore

@Suite struct RFC3339Tests {
    /// What Foundation's ISO 8601 formatter writes (UTC, milliseconds), for dates across
    /// two and a half centuries, leap days and the edges of days and years included.
    @Test func agreesWithFoundationsFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        var dates = (0..<5_000).map { _ in
            Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)) / 1000)
        }
        dates += [0, -0.001, 951_782_400, 951_868_799.999, 4_107_542_399.999, 1_780_000_000.123]
            .map { Date(timeIntervalSince1970: $0) }
        for date in dates {
            // Both at whole milliseconds, rounded down as RFC3339 does.
            let ms = (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000
            let expected = formatter.string(from: Date(timeIntervalSince1970: ms))
            #expect(RFC3339.string(date) == expected, "\(date.timeIntervalSince1970)")
        }
    }
}
