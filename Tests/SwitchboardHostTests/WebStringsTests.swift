import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
@testable import SwitchboardHost

/// The string catalogues of the pages (web/i18n/): every language has every key, every
/// key a page names is in them, they are served, and a workspace's chat language fixes the
/// chat page's.
@Suite struct WebStringsTests {
    static func catalogue(_ language: String) throws -> [String: String] {
        let text = try #require(WebAssets.files.first { $0.path == "i18n/\(language).json" }?.text, "no web/i18n/\(language).json")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String], "\(language).json is not an object of strings")
    }

    @Test func everyLanguageHasEveryKeyWithTheSamePlaceholders() throws {
        let en = try Self.catalogue("en"), es = try Self.catalogue("es")
        #expect(en.count > 100)
        #expect(Set(en.keys).subtracting(es.keys).sorted() == [], "missing in es.json")
        #expect(Set(es.keys).subtracting(en.keys).sorted() == [], "missing in en.json")
        for (key, text) in en {
            let names = { (s: String) in Set(s.matches(of: /\{(\w+)\}/).map { String($0.output.1) }) }
            #expect(names(text) == names(es[key] ?? ""), "\(key): the placeholders differ")
            #expect(!(es[key] ?? "").isEmpty, "\(key) is empty in es.json")
        }
        // One line per key, so adding a string is one line per language.
        for language in ["en", "es"] {
            let text = try #require(WebAssets.files.first { $0.path == "i18n/\(language).json" }?.text)
            let lines = text.split(separator: "\n").filter { $0.contains("\":") }
            #expect(lines.count == en.count, "\(language).json: one \"key\": \"text\" per line")
        }
    }

    /// Every key in `data-i18n*` attributes and `t('...')` calls of the pages' files.
    @Test func everyKeyThePagesUseIsInTheCatalogue() throws {
        let en = try Self.catalogue("en")
        var used: Set<String> = []
        for file in WebAssets.files where file.path.hasSuffix(".html") || file.path.hasSuffix(".js") {
            for m in file.text.matches(of: /data-i18n(?:-[a-z-]+)?="([a-z0-9_.]+)"/) { used.insert(String(m.output.1)) }
            for m in file.text.matches(of: /\bt\('([a-z0-9_]+\.[a-z0-9_.]+)'/) { used.insert(String(m.output.1)) }
        }
        #expect(used.count > 80)
        #expect(used.subtracting(en.keys).sorted() == [], "keys the pages use that the catalogue lacks")
    }

    @Test func theCataloguesAreServedAndTheChatLanguageIsTheWorkspaces() throws {
        var router = HTTPRouter()
        WebPages().addRoutes(to: &router, hasChat: { ["demo", "tienda"].contains($0) }, chatLanguage: { $0 == "tienda" ? "es" : nil })
        let es = router.respond(to: HTTPRequest(method: "GET", target: "/i18n/es.json"))
        #expect(es.status == 200)
        #expect(es.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(es.headers["Content-Security-Policy"] != nil)
        #expect(String(decoding: es.body, as: UTF8.self).contains("\"chat.title\": \"Escríbenos\""))
        #expect(router.respond(to: HTTPRequest(method: "GET", target: "/i18n/i18n.js")).status == 200)
        #expect(router.respond(to: HTTPRequest(method: "GET", target: "/i18n/fr.json")).status == 404)

        let fixed = router.respond(to: HTTPRequest(method: "GET", target: "/chat/tienda"))
        let page = String(decoding: fixed.body, as: UTF8.self)
        #expect(page.contains("<html lang=\"es\" data-language=\"es\">"))
        let free = router.respond(to: HTTPRequest(method: "GET", target: "/chat/demo"))
        #expect(String(decoding: free.body, as: UTF8.self).contains("<html lang=\"en\">"))
        #expect(fixed.headers["ETag"] != free.headers["ETag"])
        // Its own ETag validates.
        let again = router.respond(to: HTTPRequest(method: "GET", target: "/chat/tienda", headers: ["If-None-Match": fixed.headers["ETag"] ?? ""]))
        #expect(again.status == 304)
    }
}
