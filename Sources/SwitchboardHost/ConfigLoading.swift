import Foundation
import SwitchboardConfig
import SwitchboardPhone
import SwitchboardStore

/// Loads the config the way every command does: the environment for `${VAR}`,
/// libphonenumber's regions and its E.164 normalisation for workspace senders.
enum ConfigLoading {
    static func load(_ path: String) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.load(
            path: path,
            environment: ProcessInfo.processInfo.environment,
            regionValidator: { PhoneNumbers.isSupportedRegion($0) },
            senderNormalizer: { raw, region in
                PhoneNumbers.normalize(raw, region: region).map(\.e164).mapError { $0 as any Error }
            })
    }

    static func path(_ options: CommandOptions) -> String {
        options.value("config") ?? "config/switchboard.yaml"
    }

    /// The config for a command (`--config`, or the default). On errors, prints them as
    /// `check` does and returns nil: the command exits 1.
    static func forCommand(_ options: CommandOptions) -> LoadedConfig? {
        do {
            return try load(path(options))
        } catch {
            printErr(error.description)
            return nil
        }
    }

    /// The store a config names, for commands that read or write the database; on
    /// failure prints `command: error` and returns nil (the command exits 1).
    static func openStore(_ config: LoadedConfig, command: String) -> (any Store)? {
        do {
            return try Host.openStore(config.host, logger: nil)
        } catch {
            printErr("\(command): \(error)")
            return nil
        }
    }
}
