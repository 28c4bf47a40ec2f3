/// The first look at what a person or a provider sent, before libphonenumber sees it.
///
/// libphonenumber is lenient on purpose: it finds a number inside "Tel: +44 ...", turns
/// "1-800-FLOWERS" into digits and reads "x12" as an extension. Switchboard wants the
/// opposite for configuration and for numbers it routes on: a phone number is digits with
/// separators, nothing else. So this keeps:
/// - decimal digits of any script ("٠٨٠٣" too), turned into ASCII;
/// - white space (including no-break spaces) and dashes of any kind, as separators;
/// - `.`, `/`, `(` and `)`;
/// - one `+` (or the full-width `＋`), before the first digit.
/// Anything else makes the input "not a number".
struct PhoneInput: Sendable {
    /// The input with digits and separators in ASCII, for libphonenumber.
    let text: String
    /// The digits alone.
    let digits: String
    /// Whether it starts with a plus.
    let hasPlus: Bool

    init?(_ raw: String) {
        var text = ""
        var digits = ""
        var hasPlus = false
        text.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            let p = scalar.properties
            if p.numericType == .decimal, let value = p.numericValue, value >= 0, value <= 9 {
                let c = Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(value)))
                text.append(c)
                digits.append(c)
            } else if scalar == "+" || scalar == "\u{FF0B}" {
                guard !hasPlus, digits.isEmpty else { return nil }
                hasPlus = true
                text.append("+")
            } else if p.isWhitespace {
                text.append(" ")
            } else if p.generalCategory == .dashPunctuation {
                text.append("-")
            } else if scalar == "." || scalar == "/" || scalar == "(" || scalar == ")" {
                text.unicodeScalars.append(scalar)
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        self.text = text
        self.digits = digits
        self.hasPlus = hasPlus
    }
}
