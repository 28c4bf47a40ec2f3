import SwitchboardCore

/// A value read by the table-driven parser, already checked against its option's type.
indirect enum ConfigValue {
    case text(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case listen(ListenAddress)
    case addressRange(IPAddressRange)
    case list([ConfigItem])
    case section(ConfigValues)
    /// A subtree converted to JSON text (`anyYAML`).
    case json(String)
}

/// A value and the node it came from; `node` is nil for a default from the table.
struct ConfigItem {
    var value: ConfigValue
    var node: YAMLNode?
}

/// The values of one mapping, by key. Only keys of the section's table can be in it;
/// reading a key the table does not declare is a programming error caught by tests.
struct ConfigValues {
    let section: ConfigSection
    /// The mapping itself (for "missing key" errors); a synthetic node for defaults.
    let node: YAMLNode
    var items: [String: ConfigItem] = [:]
    /// Key nodes, for errors about a key rather than its value.
    var keyNodes: [String: YAMLNode] = [:]

    private func item(_ key: String) -> ConfigItem? {
        assert(section.option(key) != nil, "'\(key)' is not in the table of \(section.path)")
        return items[key]
    }

    /// True when the key was written in the file (not defaulted).
    func isSet(_ key: String) -> Bool { item(key)?.node != nil }

    /// The node of a key's value, or the mapping when the key was left out.
    func node(_ key: String) -> YAMLNode { item(key)?.node ?? node }

    func text(_ key: String) -> String? {
        if case .text(let s)? = item(key)?.value { return s }
        return nil
    }

    func integer(_ key: String) -> Int? {
        if case .integer(let i)? = item(key)?.value { return i }
        return nil
    }

    func number(_ key: String) -> Double? {
        if case .number(let d)? = item(key)?.value { return d }
        return nil
    }

    func boolean(_ key: String) -> Bool? {
        if case .boolean(let b)? = item(key)?.value { return b }
        return nil
    }

    func listen(_ key: String) -> ListenAddress? {
        if case .listen(let l)? = item(key)?.value { return l }
        return nil
    }

    func json(_ key: String) -> String? {
        if case .json(let j)? = item(key)?.value { return j }
        return nil
    }

    func section(_ key: String) -> ConfigValues? {
        if case .section(let v)? = item(key)?.value { return v }
        return nil
    }

    /// Text items with their nodes (a default list has no nodes: the mapping stands in).
    func textList(_ key: String) -> [(text: String, node: YAMLNode)] {
        guard case .list(let items)? = item(key)?.value else { return [] }
        return items.compactMap { i in
            if case .text(let s) = i.value { return (s, i.node ?? node) }
            return nil
        }
    }

    /// The ranges of an `.addressRanges` option, as the parser read them (each checked
    /// once, there; an invalid one was an error and is not here).
    func addressRanges(_ key: String) -> [IPAddressRange] {
        guard case .list(let items)? = item(key)?.value else { return [] }
        return items.compactMap { i in
            if case .addressRange(let r) = i.value { return r }
            return nil
        }
    }

    func sections(_ key: String) -> [ConfigValues] {
        guard case .list(let items)? = item(key)?.value else { return [] }
        return items.compactMap { i in
            if case .section(let v) = i.value { return v }
            return nil
        }
    }
}
