import Foundation
import Testing
import CSwitchboardPlugin
import SwitchboardCore
@testable import SwitchboardPlugins

/// A plugin's `config_json` is the workspace config's own buffer (not a copy per
/// instance: at 10,000 workspaces a copy cost ~28 MB), and it stays valid until the
/// instance context goes, after `destroy`, even when the config that gave it is gone.
@Suite struct ConfigSharingTests {
    func context(_ config: SharedUTF8) -> InstanceContext {
        InstanceContext(workspace: "ws-a", timezone: "Africa/Lagos", plugin: "faq", config: config,
                        workspaceLogger: TestSupport.quietLogger, store: InMemoryPluginStateStore(), clock: { Date() })
    }

    /// The text a plugin reads from `config_json` (the context is kept alive meanwhile, as
    /// the instance keeps it while the plugin lives).
    func configText(_ c: InstanceContext) -> String {
        withExtendedLifetime(c) { String(c.configView) }
    }

    @Test func configJSONIsTheConfigsBufferNotACopy() {
        let config = SharedUTF8(#"{"entries": [{"id": "hours", "questions": ["When are you open?"], "answer": "9 to 5"}]}"#)
        let a = context(config), b = context(config)
        #expect(UnsafeRawPointer(a.configView.ptr) == UnsafeRawPointer(config.bytes.baseAddress))
        #expect(UnsafeRawPointer(b.configView.ptr) == UnsafeRawPointer(a.configView.ptr))
        #expect(configText(a) == config.string)
        withExtendedLifetime((a, b, config)) {}
    }

    @Test func configJSONOutlivesTheConfigThatGaveIt() {
        var config: SharedUTF8? = SharedUTF8(#"{"keywords": ["human", "manager"]}"#)
        let c = context(config!)
        config = nil
        #expect(configText(c) == #"{"keywords": ["human", "manager"]}"#)
    }

    @Test func aBlankConfigIsAnEmptyObject() {
        #expect(configText(context(SharedUTF8(""))) == "{}")
        #expect(configText(context(SharedUTF8(" \n\t"))) == "{}")
        #expect(configText(context(SharedUTF8("\u{2028}"))) == "{}")
        #expect(configText(context(SharedUTF8(" {}x"))) == " {}x")
    }
}
