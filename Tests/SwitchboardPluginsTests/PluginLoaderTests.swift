import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardPlugins

/// Loading: where libraries are found, and every way the host refuses one.
@Suite struct PluginLoaderTests {
    let dir = TestSupport.tempDir()

    func host() -> PluginHost {
        PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: InMemoryPluginStateStore())
    }

    func loadError(_ specs: [PluginSpec], workspace: WorkspaceID = "ws-a") -> PluginLoadError? {
        do {
            _ = try host().load(workspace: workspace, specs: specs)
            return nil
        } catch let e as PluginLoadError {
            return e
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func loadsAPluginFromTheSearchPathAndListsIt() throws {
        let path = try TestSupport.buildTestPlugin("okplugin", in: dir, defines: [#"TEST_ID="okplugin""#])
        let chain = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "okplugin")])
        #expect(chain.instances.map(\.info.id) == ["okplugin"])
        let result = chain.runBlocking(message: TestSupport.message("reply:hi there"))
        #expect(result.verdict == .reply(text: "hi there", buttons: []))
        #expect(result.plugin == "okplugin")
        let listed = PluginHost.loadedPlugins().first { $0.id == "okplugin" }
        #expect(listed?.version == "0.1.0")
        #expect(listed?.abi == PluginHost.abiVersion)
        #expect(listed?.file == URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    }

    @Test func refusesANewerMinorNamingBothVersions() throws {
        let path = try TestSupport.buildTestPlugin("abinewer", in: dir, defines: ["TEST_ABI_MINOR=7"])
        let e = try #require(loadError([PluginSpec(name: "abinewer")]))
        #expect(e.code == .abiMismatch)
        #expect(e.message.hasPrefix("plugin abinewer (\(path)) was built for ABI 1.7; this host provides 1.5"))
        #expect(e.message.contains("ws-a"))
    }

    @Test func refusesAnotherMajor() throws {
        let path = try TestSupport.buildTestPlugin("abimajor", in: dir, defines: ["TEST_ABI_MAJOR=2", "TEST_ABI_MINOR=0"])
        let e = try #require(loadError([PluginSpec(name: "abimajor")]))
        #expect(e.code == .abiMismatch)
        #expect(e.message.hasPrefix("plugin abimajor (\(path)) was built for ABI 2.0; this host provides 1.5"))
    }

    @Test func acceptsASmallerDescriptorFromAnOlderHeader() throws {
        try TestSupport.buildTestPlugin("shortdesc", in: dir, defines: ["TEST_SHORT_DESCRIPTOR"])
        let chain = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "shortdesc")])
        #expect(chain.runBlocking(message: TestSupport.message("reply:ok")).verdict == .reply(text: "ok", buttons: []))
    }

    @Test func refusesALibraryWithoutTheEntrySymbol() throws {
        let path = try TestSupport.buildTestPlugin("noentry", in: dir, defines: ["TEST_NO_ENTRY"])
        let e = try #require(loadError([PluginSpec(name: "noentry")]))
        #expect(e.code == .missingEntry)
        #expect(e.message.hasPrefix("plugin noentry (\(path)) is not a Switchboard plugin: it does not export switchboard_plugin_entry"))
    }

    @Test func refusesAnEntryReturningNoDescriptor() throws {
        try TestSupport.buildTestPlugin("nulldesc", in: dir, defines: ["TEST_NULL_DESCRIPTOR"])
        let e = try #require(loadError([PluginSpec(name: "nulldesc")]))
        #expect(e.code == .invalidDescriptor)
    }

    @Test func refusesAFileThatIsNotALibrary() throws {
        let path = dir + "/libtext.so"
        try "this is not a shared library\n".write(toFile: path, atomically: true, encoding: .utf8)
        let e = try #require(loadError([PluginSpec(name: "text")]))
        #expect(e.code == .openFailed)
        #expect(e.message.hasPrefix("plugin text (\(path)) could not be loaded: "))
    }

    @Test func refusesAPlainSharedLibrary() throws {
        // A real system library: loads fine, but is no plugin.
        let libm = ["/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        let path = try #require(libm)
        let e = try #require(loadError([PluginSpec(name: "libm", file: path)]))
        #expect(e.code == .missingEntry)
    }

    @Test func reportsAMissingPluginWithTheDirectoriesSearched() throws {
        let e = try #require(loadError([PluginSpec(name: "nosuch")]))
        #expect(e.code == .notFound)
        #expect(e.message.contains("libnosuch.so not found in \(dir)"))
        let e2 = try #require(loadError([PluginSpec(name: "x", file: dir + "/nope.so")]))
        #expect(e2.code == .notFound)
    }

    @Test func rejectsBadNamesAndDeadlines() throws {
        #expect(loadError([PluginSpec(name: "../evil")])?.code == .invalidSpec)
        try TestSupport.buildTestPlugin("deadline", in: dir)
        #expect(loadError([PluginSpec(name: "deadline", deadlineMilliseconds: 0)])?.code == .invalidSpec)
    }

    @Test func reportsACreateFailureWithPluginAndWorkspace() throws {
        let path = try TestSupport.buildTestPlugin("badconfig", in: dir)
        let e = try #require(loadError([PluginSpec(name: "badconfig", configJSON: #"{"fail_create":true}"#)], workspace: "bakery"))
        #expect(e.code == .createFailed)
        #expect(e.message == "plugin badconfig (\(path)) failed to start for workspace bakery: fail_create is set")
        #expect(e.workspace == "bakery")
    }

    @Test func listsLibraryFilesOnTheSearchPath() throws {
        try TestSupport.buildTestPlugin("listed", in: dir)
        try "x".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let files = host().filesOnSearchPath()
        #expect(files.map(\.name) == ["listed"])
        #expect(files.first?.file == dir + "/liblisted.so")
    }

    @Test func inspectDescribesWithoutInstantiating() throws {
        try TestSupport.buildTestPlugin("inspected", in: dir, defines: [#"TEST_ID="inspected""#])
        let info = try host().inspect(name: "inspected")
        #expect(info.id == "inspected")
        #expect(info.displayName == "Test")
        #expect(info.summary == "Test plugin.")
        #expect(info.abiMajor == 1 && info.abiMinor == 5)
        #expect(!info.callsInline)
    }
}
