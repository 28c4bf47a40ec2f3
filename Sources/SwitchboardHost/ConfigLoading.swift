import Foundation
import SwitchboardConfig
import SwitchboardPhone

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
}
