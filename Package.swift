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
    ],
    targets: [
        // ---- Debian C libraries
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML"),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD"),
        // libphonenumber is C++; this small shim gives it a C API Swift can call.
        .target(
            name: "CPhoneNumber",
            path: "Sources/CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("stdc++")]
        ),

        // ---- Switchboard modules
        .target(name: "SwitchboardCore"),
        .target(name: "SwitchboardLog", dependencies: ["SwitchboardCore"]),
        .target(name: "SwitchboardPhone", dependencies: ["SwitchboardCore", "CPhoneNumber"]),
        .target(name: "SwitchboardConfig", dependencies: ["SwitchboardCore", "SwitchboardPhone", "CYAML"]),
        .target(name: "SwitchboardStore", dependencies: ["SwitchboardCore", "SwitchboardLog", "CSQLite"]),
        .target(name: "SwitchboardHTTP", dependencies: ["SwitchboardCore", "SwitchboardLog", "CMicroHTTPD"]),
        .target(name: "SwitchboardChannels", dependencies: ["SwitchboardCore", "SwitchboardLog", "SwitchboardPhone", "CCurl", "CCrypto"]),
        .target(name: "SwitchboardPlugins", dependencies: ["SwitchboardCore", "SwitchboardLog"]),
        .target(name: "SwitchboardHost", dependencies: [
            "SwitchboardCore", "SwitchboardLog", "SwitchboardConfig", "SwitchboardPhone",
            "SwitchboardStore", "SwitchboardHTTP", "SwitchboardChannels", "SwitchboardPlugins",
        ]),
        .executableTarget(name: "switchboard", dependencies: ["SwitchboardHost"]),

        // ---- Tests
        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"]),
        .testTarget(name: "SwitchboardLogTests", dependencies: ["SwitchboardLog"]),
        .testTarget(name: "SwitchboardPhoneTests", dependencies: ["SwitchboardPhone"]),
        .testTarget(name: "SwitchboardConfigTests", dependencies: ["SwitchboardConfig"]),
        .testTarget(name: "SwitchboardStoreTests", dependencies: ["SwitchboardStore"]),
        .testTarget(name: "SwitchboardHTTPTests", dependencies: ["SwitchboardHTTP"]),
        .testTarget(name: "SwitchboardHostTests", dependencies: ["SwitchboardHost", "SwitchboardTestSupport", "SwitchboardStore", "SwitchboardConfig", "SwitchboardLog"]),
        .testTarget(name: "SwitchboardIntegrationTests", dependencies: ["SwitchboardCore", "SwitchboardTestSupport"]),
        // Fakes of external services (Graph API) and test helpers, shared by test targets.
        .target(
            name: "SwitchboardTestSupport",
            dependencies: ["SwitchboardCore", "CMicroHTTPD", "CCurl", "CCrypto"],
            path: "Tests/SwitchboardTestSupport"
        ),
        .testTarget(name: "SwitchboardChannelsTests", dependencies: ["SwitchboardChannels", "SwitchboardTestSupport"]),

        // ---- FAQ matcher (pure Swift; wrapped by the FAQ responder plugin)
        .target(name: "FAQMatcher", path: "Sources/FAQMatcher"),
        .testTarget(name: "FAQMatcherTests", dependencies: ["FAQMatcher"], path: "Tests/FAQMatcherTests"),
        .executableTarget(name: "faq-bench", dependencies: ["FAQMatcher"], path: "bench/faq"),
    ],
    swiftLanguageModes: [.v6]
)
