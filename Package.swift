// swift-tools-version:6.0
// Switchboard: WhatsApp operations for small businesses.
//
// No SwiftPM package dependencies: the Swift toolchain plus Debian's C libraries, each
// wrapped as a system-library target under Sources/C* (see scripts/deps.sh for the apt
// packages). SwitchboardCore holds the domain and does no I/O.
import PackageDescription

let package = Package(
    name: "switchboard",
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        // Responder plugins: shared libraries the host dlopen()s (libfaq.so, libhandoff.so).
        .library(name: "faq", type: .dynamic, targets: ["FAQPlugin"]),
        .library(name: "handoff", type: .dynamic, targets: ["HandoffPlugin"]),
        // The AI tier: answers from the workspace's knowledge through LLM APIs (libllm.so).
        .library(name: "llm", type: .dynamic, targets: ["LLMPlugin"]),
        // For plugins built in other packages: .product(name: "SwitchboardPluginKit", package: "switchboard").
        .library(name: "SwitchboardPluginKit", targets: ["SwitchboardPluginKit"]),
        // The SDK's Swift example (plugin-sdk/examples/hello-swift), built and tested.
        .library(name: "hello-swift", type: .dynamic, targets: ["HelloSwiftPlugin"]),
    ],
    targets: [
        // ---- Debian C libraries
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML"),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD"),
        // libpq, for storage.postgres (several hosts on one PostgreSQL).
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres"),
        // libphonenumber is C++; this small shim gives it a C API Swift can call.
        .target(
            name: "CPhoneNumber",
            path: "Sources/CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("stdc++")]
        ),

        // A VFS that writes a commit's WAL frames with one system call (SQLite's own
        // writes two a page); used at full durability only. See its header.
        .target(name: "CSQLiteWAL", dependencies: ["CSQLite"], path: "Sources/CSQLiteWAL"),

        // ---- Switchboard modules
        .target(name: "SwitchboardCore"),
        .target(name: "SwitchboardLog", dependencies: ["SwitchboardCore"]),
        .target(name: "SwitchboardPhone", dependencies: ["SwitchboardCore", "CPhoneNumber"]),
        .target(name: "SwitchboardConfig", dependencies: ["SwitchboardCore", "SwitchboardPhone", "CYAML"]),
        .target(name: "SwitchboardStore", dependencies: ["SwitchboardCore", "SwitchboardLog", "CSQLite", "CSQLiteWAL", "CPostgres"]),
        .target(name: "SwitchboardHTTP", dependencies: ["SwitchboardCore", "SwitchboardLog", "CMicroHTTPD"]),
        .target(name: "SwitchboardChannels", dependencies: ["SwitchboardCore", "SwitchboardLog", "SwitchboardPhone", "CCurl", "CCrypto"]),
        .target(name: "SwitchboardPlugins", dependencies: ["SwitchboardCore", "SwitchboardLog", "CSwitchboardPlugin"]),
        .target(name: "SwitchboardHost", dependencies: [
            "SwitchboardCore", "SwitchboardLog", "SwitchboardConfig", "SwitchboardPhone",
            "SwitchboardStore", "SwitchboardHTTP", "SwitchboardChannels", "SwitchboardPlugins",
            "SwitchboardAuth", "FAQMatcher",
            // The llm plugin's ledger reader: `switchboard eval` reports the spend it booked.
            "LLMEngine",
        ]),
        // Passwords (scrypt), tokens, session ids and the login rate limiter.
        .target(name: "SwitchboardAuth", dependencies: ["SwitchboardCore", "CCrypto"]),
        .executableTarget(name: "switchboard", dependencies: ["SwitchboardHost"]),

        // ---- Plugins: the C ABI, the Swift kit over it, and the bundled responders
        // The plugin ABI: its public header is plugin-sdk/include/switchboard_plugin.h.
        .target(
            name: "CSwitchboardPlugin",
            path: "plugin-sdk",
            exclude: ["Sources", "examples", "README.md"],
            sources: ["src"],
            publicHeadersPath: "include"
        ),
        .target(name: "SwitchboardPluginKit", dependencies: ["CSwitchboardPlugin"], path: "plugin-sdk/Sources/SwitchboardPluginKit"),
        // FAQ matching engine (pure Swift), used by the FAQ plugin.
        // Every target under Plugins/ has an explicit path: SwiftPM reserves Plugins/ for
        // package plugins otherwise. Module names are unique per plugin (Swift runtime).
        .target(name: "FAQPlugin", dependencies: ["SwitchboardPluginKit", "FAQMatcher"], path: "Plugins/FAQ"),
        .target(name: "HandoffPlugin", dependencies: ["SwitchboardPluginKit"], path: "Plugins/Handoff"),
        // The llm plugin: a thin Responder over LLMEngine (config, provider clients over
        // libcurl, the cascade, the budget ledger), which is testable without a host.
        // LLMEngine does not link SwitchboardCore (the host already has that module in the
        // process); it compiles Core's CircuitBreaker.swift through a symlink instead.
        .target(name: "LLMEngine", dependencies: ["CCurl", "FAQMatcher"], path: "Sources/LLMEngine"),
        .target(name: "LLMPlugin", dependencies: ["SwitchboardPluginKit", "LLMEngine"], path: "Plugins/LLM"),
        .target(name: "HelloSwiftPlugin", dependencies: ["SwitchboardPluginKit"], path: "plugin-sdk/examples/hello-swift"),
        // Plugin boundary micro-benchmark: swift run -c release switchboard-plugin-bench
        .executableTarget(name: "switchboard-plugin-bench", dependencies: ["SwitchboardPlugins", "SwitchboardTestSupport"], path: "bench/plugin-boundary"),

        // ---- Tests
        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"]),
        .testTarget(name: "SwitchboardLogTests", dependencies: ["SwitchboardLog"]),
        .testTarget(name: "SwitchboardPhoneTests", dependencies: ["SwitchboardPhone"]),
        .testTarget(name: "SwitchboardConfigTests", dependencies: ["SwitchboardConfig"]),
        .testTarget(name: "SwitchboardStoreTests", dependencies: ["SwitchboardStore", "SwitchboardTestSupport"]),
        .testTarget(name: "SwitchboardHTTPTests", dependencies: ["SwitchboardHTTP"]),
        .testTarget(name: "SwitchboardHostTests", dependencies: ["SwitchboardHost", "SwitchboardTestSupport", "SwitchboardStore", "SwitchboardConfig", "SwitchboardLog", "SwitchboardAuth", "SwitchboardHTTP"]),
        // CSQLite: tests that reach into the running host's database as another process would
        // (a second host's claim, a trigger that makes writes fail).
        .testTarget(name: "SwitchboardIntegrationTests", dependencies: ["SwitchboardCore", "SwitchboardTestSupport", "CSQLite"]),
        // Fakes of external services (Graph API) and test helpers, shared by test targets.
        .target(
            name: "SwitchboardTestSupport",
            dependencies: ["SwitchboardCore", "CMicroHTTPD", "CCurl", "CCrypto"],
            path: "Tests/SwitchboardTestSupport"
        ),
        .testTarget(name: "SwitchboardChannelsTests", dependencies: ["SwitchboardChannels", "SwitchboardTestSupport"]),

        // ---- FAQ matcher (pure Swift; wrapped by the FAQ responder plugin)
        .target(name: "FAQMatcher", path: "Sources/FAQMatcher"),
        // Answer-quality evaluation on labelled sets (CLINC150 from ../shared/data): tests and faq-bench.
        .target(name: "FAQEvaluation", dependencies: ["FAQMatcher"], path: "Sources/FAQEvaluation"),
        .testTarget(name: "FAQMatcherTests", dependencies: ["FAQMatcher", "FAQEvaluation"], path: "Tests/FAQMatcherTests"),
        .executableTarget(name: "faq-bench", dependencies: ["FAQMatcher", "FAQEvaluation"], path: "bench/faq"),
        // The pipeline benchmark: drives the real binary with signed webhooks (bench/README.md).
        .executableTarget(name: "loadgen", dependencies: ["SwitchboardTestSupport"], path: "bench/loadgen"),
        .testTarget(name: "SwitchboardAuthTests", dependencies: ["SwitchboardAuth"]),
        .testTarget(name: "LLMEngineTests", dependencies: ["LLMEngine", "SwitchboardTestSupport"]),
        .testTarget(name: "SwitchboardPluginsTests", dependencies: ["SwitchboardPlugins", "SwitchboardTestSupport"], exclude: ["Fixtures"]),
        // SwitchboardChannels hot-path micro-benchmark: swift run -c release channels-bench
        // The llm plugin's own work per message: swift run -c release llm-bench
        .executableTarget(name: "llm-bench", dependencies: ["LLMEngine"], path: "bench/llm"),
        .executableTarget(name: "channels-bench", dependencies: ["SwitchboardChannels", "SwitchboardTestSupport", "CCrypto"], path: "bench/channels"),

        // ---- Fuzz targets (docs/fuzzing.md): `make fuzz` builds them with libFuzzer and
        // AddressSanitizer (scripts/fuzz.sh); a normal build makes them replay files.
        .target(name: "FuzzSupport", path: "fuzz/Support"),
        .target(name: "FuzzHTTPRoutes", dependencies: ["FuzzSupport", "SwitchboardHTTP"], path: "fuzz/HTTPRoutes"),
        .executableTarget(name: "fuzz-json", dependencies: ["FuzzSupport", "SwitchboardCore"], path: "fuzz/json"),
        .executableTarget(name: "fuzz-webhook", dependencies: ["FuzzSupport", "SwitchboardChannels", "SwitchboardCore", "SwitchboardTestSupport"], path: "fuzz/webhook"),
        .executableTarget(name: "fuzz-yaml", dependencies: ["FuzzSupport", "SwitchboardConfig"], path: "fuzz/yaml"),
        .executableTarget(name: "fuzz-http-router", dependencies: ["FuzzSupport", "FuzzHTTPRoutes", "SwitchboardHTTP"], path: "fuzz/http-router"),
        .executableTarget(name: "fuzz-http-wire", dependencies: ["FuzzSupport", "FuzzHTTPRoutes", "SwitchboardHTTP"], path: "fuzz/http-wire"),
    ],
    swiftLanguageModes: [.v6]
)
