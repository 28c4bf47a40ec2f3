import FuzzSupport
import SwitchboardConfig

// fuzz-yaml: YAMLReader (libyaml's events into a tree: duplicate keys, anchors and
// aliases, the node limit) and the config loader on top of it (interpolation, the
// schema, host and workspace sections, plugin config as JSON): what `switchboard check`
// and `serve` do with a config file. The input is used as the host file and as a
// workspace file. Properties, beyond "does not crash": a refused file gets at least one
// diagnostic, each with a non-empty message.

#if FUZZING
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzMain.writeSeedsIfAsked(FuzzYAML.seeds)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzYAML.test(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum Replay {
    static func main() { FuzzMain.replay(seeds: FuzzYAML.seeds, FuzzYAML.test) }
}
#endif

enum FuzzYAML {
    static func test(_ input: UnsafeRawBufferPointer) {
        check(String(decoding: input, as: UTF8.self))
    }

    static func check(_ text: String) {
        do {
            let node = try YAMLReader.parse(text, file: "fuzz.yaml")
            _ = node.jsonText()
        } catch {
            mustExplain(error)
        }
        do {
            _ = try ConfigLoader.parse(host: text, file: "fuzz.yaml", workspaces: [(file: "w.yaml", text: text)],
                                       environment: ["WA_APP_SECRET": "s", "WA_ACCESS_TOKEN": "t"])
        } catch {
            mustExplain(error)
        }
    }

    static func mustExplain(_ error: ConfigError) {
        fuzzCheck(!error.diagnostics.isEmpty, "a ConfigError without a diagnostic")
        for d in error.diagnostics { fuzzCheck(!d.message.isEmpty, "a diagnostic without a message") }
    }

    /// Shapes the config files use that config/ does not show (config/*.yaml are seeds too:
    /// scripts/fuzz.sh copies them).
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let texts = [
            "zeta: 1\nalpha: 'quoted'\nlist:\n  - \"double\"\n  - plain\n",
            "a: 1\nb:\n  x: 1\n  x: 2\na: 3\n",
            "server:\n  listen: [127.0.0.1\nlog: {}\n",
            "? [a, b]\n: 1\n",
            "base: &b {listen: '127.0.0.1:0'}\nserver: *b\nlist: [*b, *b]\n",
            "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n",
            "---\na: 1\n---\nb: 2\n",
            "secret: ${WA_APP_SECRET}\nother: ${MISSING:-fallback}\nescaped: $${X}\n",
            "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
            "tagged: !!str 42\nbinary: !!binary aGVsbG8=\n",
            "id: shop\nname: Shop\nregion: NG\nresponders:\n  - plugin: faq\n    config: {entries: [{q: hi, a: hello}]}\n",
        ]
        return texts.enumerated().map { (name: "seed-\($0.offset).yaml", bytes: Array($0.element.utf8)) }
    }
}
