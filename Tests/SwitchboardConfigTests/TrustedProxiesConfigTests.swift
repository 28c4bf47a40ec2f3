import Testing
@testable import SwitchboardConfig

@Suite struct TrustedProxiesConfigTests {
    @Test func emptyByDefault() throws {
        let loaded = try ConfigLoader.parse(host: minimalHost, workspaces: [("workspaces/demo.yaml", demoWorkspace)])
        #expect(loaded.host.server.trustedProxies.isEmpty)
    }

    @Test func addressesAndCIDRBlocksAreRead() throws {
        let text = "server:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8, '::1', 'fd00::/8']\n" + minimalHost
        let proxies = try ConfigLoader.parse(host: text, workspaces: [("workspaces/demo.yaml", demoWorkspace)]).host.server.trustedProxies
        #expect(proxies.map(\.description) == ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"])
        #expect(proxies[1].contains("10.200.3.4") && !proxies[1].contains("11.0.0.1"))
        #expect(proxies[0].contains("::ffff:127.0.0.1"))     // IPv4 as the kernel may report it
        #expect(proxies[3].contains("fd12:3456::1") && !proxies[3].contains("fe80::1"))
        #expect(!proxies[0].contains("not an address"))
    }

    @Test func badEntriesAreErrorsAtTheirLine() {
        let text = "server:\n  trusted_proxies:\n    - 10.0.0.0/33\n    - proxy.example.com\n    - '::1/129'\n" + minimalHost
        #expect(failures(host: text, workspaces: [("workspaces/demo.yaml", demoWorkspace)]) == [
            "switchboard.yaml:3:7: error: the prefix length in '10.0.0.0/33' must be a number from 0 to 32",
            "switchboard.yaml:4:7: error: 'proxy.example.com' is not an IP address or a CIDR block (10.0.0.0/8, 192.0.2.7, fd00::/8)",
            "switchboard.yaml:5:7: error: the prefix length in '::1/129' must be a number from 0 to 128",
        ])
    }

    @Test func prefixesMaskTheRightBits() throws {
        let r = try IPAddressRange.parse("192.168.4.0/22").get()
        #expect(r.contains("192.168.7.255") && r.contains("192.168.4.0") && !r.contains("192.168.8.0"))
        let all = try IPAddressRange.parse("0.0.0.0/0").get()
        #expect(all.contains("8.8.8.8") && !all.contains("2001:db8::1"))
        let v6 = try IPAddressRange.parse("2001:db8::/33").get()
        #expect(v6.contains("2001:db8:7fff::1") && !v6.contains("2001:db8:8000::1"))
    }
}
