import Foundation
import Testing
@testable import SwitchboardHost

/// The channel secrets of a workspace's file are masked when the API shows the file and
/// put back when a masked file is written.
@Suite struct WorkspaceConfigSecretsTests {
    static let file = """
        id: demo   # the bakery
        name: "Señora's Bakery"
        channels:
          - id: demo-whatsapp
            type: whatsapp
            app: main
            phone_number_id: "2077"
            access_token: "EAAG-secret-token-9876"   # from Meta
          - {id: demo-web, type: whatsapp_web, gateway: evolution, base_url: "http://gw", api_key: gw-key-secret-5521, instance: demo, webhook_secret: 'hook''s-secret-0042'}
          - id: demo-env
            type: whatsapp
            app: main
            phone_number_id: "2078"
            access_token: ${DEMO_TOKEN}

        """

    @Test func secretsAreMaskedInBlockAndFlowStyleAndEnvironmentReferencesShown() throws {
        let masked = try #require(WorkspaceConfigEditor.masking(Self.file))
        for secret in ["EAAG-secret-token-9876", "gw-key-secret-5521", "hook''s-secret-0042", "s-secret-0042"] {
            #expect(!masked.contains(secret), "\(secret) shown")
        }
        #expect(masked.contains(#"access_token: "••••9876"   # from Meta"#))
        #expect(masked.contains(#"api_key: "••••5521", instance: demo, webhook_secret: "••••0042"}"#))
        #expect(masked.contains("access_token: ${DEMO_TOKEN}"))
        #expect(masked.contains(#"name: "Señora's Bakery""#) && masked.hasPrefix("id: demo   # the bakery"))
    }

    @Test func aMaskedFileWrittenBackKeepsTheSecretsAndAnUnknownMaskIsRefused() throws {
        let masked = try #require(WorkspaceConfigEditor.masking(Self.file))
        let edited = masked.replacingOccurrences(of: "Señora's Bakery", with: "Ada's Bakery")
        let back = try WorkspaceConfigEditor.unmasking(edited, old: Self.file).get()
        #expect(back.contains(#"access_token: "EAAG-secret-token-9876""#))
        #expect(back.contains("gw-key-secret-5521") && back.contains("hook's-secret-0042"))
        #expect(back.contains("Ada's Bakery") && !back.contains("••••"))
        let wrong = masked.replacingOccurrences(of: "••••9876", with: "••••1111")
        guard case .failure(let why) = WorkspaceConfigEditor.unmasking(wrong, old: Self.file) else {
            Issue.record("an unknown mask was written")
            return
        }
        #expect(why.description.contains("matches none the file holds"))
    }

    /// A file that does not parse (a hand edit the reload refused stays on disk) cannot
    /// have its secrets located: it is not shown when it names a secret key at all.
    @Test func aFileThatDoesNotParseIsNotShownWhenItNamesASecret() {
        let broken = Self.file + "  - {id: oops, type: whatsapp, access_token: \"EAAG-other-4321\"\n"
        #expect(WorkspaceConfigEditor.masking(broken) == nil)
        let plain = "id: demo\nname: [unclosed\n"
        #expect(WorkspaceConfigEditor.masking(plain) == plain)
    }
}
