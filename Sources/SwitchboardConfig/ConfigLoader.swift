import Foundation
import SwitchboardCore

/// Reads the host config and every workspace file, and checks them together.
///
/// Every problem is collected, in every file, before anything is thrown: the `ConfigError`
/// holds them all (with any warnings), and its `description` is what `switchboard check`
/// prints. Relative paths in the host config (`storage.sqlite`, `log.file`,
/// `workspaces.dir`) are relative to the current working directory, not to the config file.
public enum ConfigLoader {
    /// Says whether a region code is one phone numbers support. The default accepts any two
    /// upper-case ASCII letters; the host passes libphonenumber's list.
    public typealias RegionValidator = (String) -> Bool
    /// Turns a sender as written (and the workspace's region) into E.164, or says why not.
    public typealias SenderNormalizer = (_ raw: String, _ region: String) -> Result<String, any Error>

    public static func twoLetterRegion(_ s: String) -> Bool {
        s.utf8.count == 2 && s.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }

    /// A stand-in until the host passes libphonenumber: accepts `+` and 8 to 15 digits
    /// (spaces, dashes, dots and parentheses removed), the first digit not 0.
    public static func basicE164(_ raw: String, _ region: String) -> Result<String, any Error> {
        let kept = raw.filter { !" -.()".contains($0) }
        guard kept.hasPrefix("+") else {
            return .failure(ConfigProblem(message: "write it in international form, starting with '+'"))
        }
        let digits = kept.dropFirst()
        guard (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else {
            return .failure(ConfigProblem(message: "not a phone number"))
        }
        return .success(kept)
    }

    /// Loads `path` and the workspace files of its `workspaces.dir`.
    ///
    /// - Parameters:
    ///   - environment: variables for `${VAR}` (pass `ProcessInfo.processInfo.environment`).
    ///   - workingDirectory: what relative paths are relative to; nil for the process's.
    public static func load(
        path: String,
        environment: [String: String],
        regionValidator: @escaping RegionValidator = ConfigLoader.twoLetterRegion,
        senderNormalizer: @escaping SenderNormalizer = ConfigLoader.basicE164,
        workingDirectory: String? = nil
    ) throws(ConfigError) -> LoadedConfig {
        let loader = Loader(environment: environment, regionValidator: regionValidator, senderNormalizer: senderNormalizer)
        let cwd = workingDirectory ?? FileManager.default.currentDirectoryPath
        loader.workingDirectory = cwd
        guard let text = readFile(path, relativeTo: cwd, diagnostics: loader.diagnostics) else {
            throw ConfigError(loader.diagnostics.sorted())
        }
        guard let host = loader.host(text: text, file: path) else { throw ConfigError(loader.diagnostics.sorted()) }
        loader.loadWorkspaceFolder(host, workingDirectory: cwd)
        return try loader.finish(host)
    }

    /// Parses a host config and workspace files given as text (tests, and `check` on a
    /// single file). `workspaces.dir` is not read: the workspaces are the ones given.
    public static func parse(
        host text: String,
        file: String = "switchboard.yaml",
        workspaces: [(file: String, text: String)] = [],
        environment: [String: String] = [:],
        regionValidator: @escaping RegionValidator = ConfigLoader.twoLetterRegion,
        senderNormalizer: @escaping SenderNormalizer = ConfigLoader.basicE164
    ) throws(ConfigError) -> LoadedConfig {
        let loader = Loader(environment: environment, regionValidator: regionValidator, senderNormalizer: senderNormalizer)
        guard let host = loader.host(text: text, file: file) else { throw ConfigError(loader.diagnostics.sorted()) }
        for w in workspaces { loader.workspace(text: w.text, file: w.file) }
        return try loader.finish(host)
    }

    /// Parses one workspace file on its own (no cross-file checks).
    public static func parseWorkspace(
        _ text: String,
        file: String,
        environment: [String: String] = [:],
        regionValidator: @escaping RegionValidator = ConfigLoader.twoLetterRegion,
        senderNormalizer: @escaping SenderNormalizer = ConfigLoader.basicE164
    ) throws(ConfigError) -> WorkspaceConfig {
        let loader = Loader(environment: environment, regionValidator: regionValidator, senderNormalizer: senderNormalizer)
        let workspace = loader.workspace(text: text, file: file)
        guard let workspace, !loader.diagnostics.hasErrors else { throw ConfigError(loader.diagnostics.sorted()) }
        return workspace.config
    }

    static func readFile(_ path: String, relativeTo cwd: String, diagnostics: DiagnosticCollector) -> String? {
        let full = path.hasPrefix("/") ? path : cwd + "/" + path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
            diagnostics.add(ConfigDiagnostic(file: path, line: 0, column: 0, message: "config file not found"))
            return nil
        }
        guard !isDirectory.boolValue else {
            diagnostics.add(ConfigDiagnostic(file: path, line: 0, column: 0, message: "is a folder, not a config file"))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: full) else {
            diagnostics.add(ConfigDiagnostic(file: path, line: 0, column: 0, message: "cannot read the config file (permissions?)"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.add(ConfigDiagnostic(file: path, line: 0, column: 0, message: "the config file is not UTF-8 text"))
            return nil
        }
        return text
    }
}
