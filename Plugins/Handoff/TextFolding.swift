import Foundation

/// Text as phrases are matched: lower case, without diacritics, every run of
/// punctuation and spaces turned into one space, padded with a space on each side, so
/// " speak to someone " matches whole words only ("Quelqu'un" -> " quelqu un ").
enum TextFolding {
    static func fold(_ s: String) -> String {
        let lowered = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var out = " "
        var lastSpace = true
        for scalar in lowered.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                out.unicodeScalars.append(scalar)
                lastSpace = false
            } else if !lastSpace {
                out += " "
                lastSpace = true
            }
        }
        if !lastSpace { out += " " }
        return out
    }
}
