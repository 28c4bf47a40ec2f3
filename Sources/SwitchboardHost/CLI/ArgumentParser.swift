/// A small command-line parser: `--name value`, `--name=value`, boolean flags, `--help`,
/// and positional arguments, checked against the options a command declares. Errors are
/// usage errors (exit status 2) that name the command and the offending argument.
public struct CommandOptions {
    public struct Option: Sendable {
        public let name: String
        public let valueName: String?   // nil: a flag
        public let help: String
        public init(_ name: String, value: String? = nil, help: String) {
            self.name = name; self.valueName = value; self.help = help
        }
    }

    public var values: [String: String] = [:]
    public var flags: Set<String> = []
    public var positional: [String] = []

    public func value(_ name: String) -> String? { values[name] }
    public func has(_ name: String) -> Bool { flags.contains(name) }

    /// A positive whole number given as `--name N`, or `defaultValue` when absent.
    public func positiveInt(_ name: String, default defaultValue: Int, command: String) throws(UsageError) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let n = Int(text), n > 0 else { throw UsageError("\(command): --\(name) needs a positive number, got '\(text)'") }
        return n
    }

    public static func parse(_ args: [String], options: [Option], command: String) throws(UsageError) -> CommandOptions {
        var out = CommandOptions()
        var i = 0
        var onlyPositional = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositional || !a.hasPrefix("--") || a == "-" {
                if !onlyPositional, a.hasPrefix("-"), a.count > 1, a != "-", Double(a) == nil, a != "-h" {
                    throw UsageError("\(command): unknown option '\(a)'")
                }
                if a == "-h" { out.flags.insert("help"); continue }
                out.positional.append(a)
                continue
            }
            if a == "--" { onlyPositional = true; continue }
            var name = String(a.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if name == "help" { out.flags.insert("help"); continue }
            guard let opt = options.first(where: { $0.name == name }) else {
                throw UsageError("\(command): unknown option '--\(name)'")
            }
            if opt.valueName != nil {
                if let inline { out.values[name] = inline; continue }
                guard i < args.count else { throw UsageError("\(command): option '--\(name)' needs a value") }
                out.values[name] = args[i]
                i += 1
            } else {
                if inline != nil { throw UsageError("\(command): option '--\(name)' takes no value") }
                out.flags.insert(name)
            }
        }
        return out
    }

    /// The options part of a command's help text.
    public static func help(_ options: [Option]) -> String {
        var lines: [String] = []
        for o in options {
            let head = o.valueName.map { "--\(o.name) \($0)" } ?? "--\(o.name)"
            lines.append("  " + head.padding(toLength: max(24, head.count + 2), withPad: " ", startingAt: 0) + o.help)
        }
        lines.append("  " + "--help".padding(toLength: 24, withPad: " ", startingAt: 0) + "Show this help.")
        return lines.joined(separator: "\n")
    }
}

/// A mistake in how a command was called. Printed with a hint to `--help`; exit status 2.
public struct UsageError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
