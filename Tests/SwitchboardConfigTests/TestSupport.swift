import Foundation
import Testing
@testable import SwitchboardConfig

/// The package root, found from this file's path (tests do not depend on the working
/// directory).
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A minimal valid host config with one owned WhatsApp channel, for tests that change
/// one thing.
let minimalHost = """
    whatsapp:
      apps:
        - id: main
          app_secret: s3cret
          verify_token: v3rify
    channels:
      - id: wa-main
        type: whatsapp
        app: main
        phone_number_id: "1065"
        access_token: t0ken
        workspace: demo
    """

let demoWorkspace = """
    id: demo
    name: Demo
    region: NG
    timezone: Africa/Lagos
    """

/// The diagnostics (as `check` prints them) of a config that must fail.
func failures(
    host: String, file: String = "switchboard.yaml",
    workspaces: [(file: String, text: String)] = [],
    environment: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) -> [String] {
    do {
        _ = try ConfigLoader.parse(host: host, file: file, workspaces: workspaces, environment: environment)
        Issue.record("expected the config to be refused", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// A fresh temporary folder, removed by the caller with `cleanup()`.
struct TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "switchboard-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        let full = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
