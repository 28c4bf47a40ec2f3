import Foundation
import Testing
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
@testable import SwitchboardHost

/// The web pages as the router serves them: the embedded copy equals web/, every answer
/// carries the security headers, and the pages hold nothing the CSP would have to allow.
@Suite struct WebPagesTests {
    static let webFolder: URL = {
        var u = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { u.deleteLastPathComponent() }
        return u.appendingPathComponent("web")
    }()

    /// Every .html, .css, .js and .json file under web/, by path under web/.
    static func filesOnDisk() throws -> [String: String] {
        let root = webFolder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: root])
        }
        var files: [String: String] = [:]
        for case let rel as String in walker where rel.hasSuffix(".html") || rel.hasSuffix(".css") || rel.hasSuffix(".js") || rel.hasSuffix(".json") {
            files[rel] = try String(contentsOfFile: root + "/" + rel, encoding: .utf8)
        }
        return files
    }

    func router(workspaces: Set<WorkspaceID> = ["demo"]) -> HTTPRouter {
        var router = HTTPRouter()
        WebPages().addRoutes(to: &router, workspaces: workspaces)
        return router
    }

    func get(_ target: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        router().respond(to: HTTPRequest(method: "GET", target: target, headers: headers))
    }

    func expectSecurityHeaders(_ r: HTTPResponse, _ target: String) {
        let csp = r.headers["Content-Security-Policy"] ?? ""
        #expect(csp.contains("default-src 'self'"), "\(target): \(csp)")
        #expect(csp.contains("script-src 'self'"), "\(target): \(csp)")
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "\(target): \(csp)")
        #expect(csp.contains("frame-ancestors 'none'"), "\(target): \(csp)")
        #expect(r.headers["X-Content-Type-Options"] == "nosniff", "\(target)")
        #expect(r.headers["Cache-Control"] == "no-cache", "\(target)")
    }

    @Test func embeddedCopyMatchesTheFilesInWeb() throws {
        let disk = try Self.filesOnDisk()
        let embedded = Dictionary(uniqueKeysWithValues: WebAssets.files.map { ($0.path, $0.text) })
        #expect(!disk.isEmpty)
        #expect(Set(embedded.keys) == Set(disk.keys), "run scripts/embed-web.sh: the embedded files differ from web/")
        for (path, text) in disk {
            #expect(embedded[path] == text, "\(path) changed in web/: run scripts/embed-web.sh")
        }
    }

    @Test func inboxPageAndAssets() throws {
        let disk = try Self.filesOnDisk()
        let cases: [(String, String, String)] = [
            ("/inbox/", "inbox/index.html", "text/html; charset=utf-8"),
            ("/inbox/index.html", "inbox/index.html", "text/html; charset=utf-8"),
            ("/inbox/inbox.js", "inbox/inbox.js", "text/javascript; charset=utf-8"),
            ("/inbox/inbox.css", "inbox/inbox.css", "text/css; charset=utf-8"),
            ("/chat/demo", "chat/index.html", "text/html; charset=utf-8"),
            ("/chat/chat.js", "chat/chat.js", "text/javascript; charset=utf-8"),
            ("/chat/chat.css", "chat/chat.css", "text/css; charset=utf-8"),
        ]
        for (target, file, type) in cases {
            let r = get(target)
            #expect(r.status == 200, "\(target)")
            #expect(r.headers["Content-Type"] == type, "\(target)")
            #expect(String(decoding: r.body, as: UTF8.self) == disk[file], "\(target) should serve web/\(file)")
            expectSecurityHeaders(r, target)
        }
    }

    @Test func inboxWithoutSlashRedirects() {
        let r = get("/inbox")
        #expect(r.status == 308)
        #expect(r.headers["Location"] == "/inbox/")
    }

    @Test func unknownFilesAndWorkspacesAre404WithTheSameHeaders() {
        for target in ["/inbox/nothing.js", "/inbox/..%2Fchat%2Fchat.js", "/chat/other", "/chat/index.html", "/chat/DEMO"] {
            let r = get(target)
            #expect(r.status == 404, "\(target)")
            expectSecurityHeaders(r, target)
        }
        let other = router(workspaces: ["demo", "other"]).respond(to: HTTPRequest(method: "GET", target: "/chat/other"))
        #expect(other.status == 200)
    }

    @Test func chatPagesOnlyForWorkspacesWithAWebChatChannel() throws {
        let ws = { (id: String) in (file: "\(id).yaml", text: "id: \(id)\nname: \(id)\nregion: NG\ntimezone: Africa/Lagos\n") }
        let config = try ConfigLoader.parse(host: """
            storage:
              sqlite: unused.db
            whatsapp:
              apps:
                - id: main
                  app_secret: s3cret-app
                  verify_token: v3rify
            channels:
              - id: wa-shop
                type: whatsapp
                app: main
                phone_number_id: "106540352242922"
                access_token: t0ken
                workspace: shop
              - id: web-bakery
                type: webchat
                workspace: bakery
            """, workspaces: [ws("bakery"), ws("shop"), ws("quiet")])
        let workspaces = WebPages.chatWorkspaces(config)
        #expect(workspaces == ["bakery"])
        let r = router(workspaces: workspaces)
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/chat/bakery")).status == 200)
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/chat/shop")).status == 404)
        #expect(r.respond(to: HTTPRequest(method: "GET", target: "/chat/quiet")).status == 404)
    }

    @Test func etagGivesNotModified() throws {
        let first = get("/inbox/inbox.js")
        let tag = try #require(first.headers["ETag"])
        #expect(get("/inbox/inbox.js", headers: ["If-None-Match": tag]).status == 304)
        #expect(get("/inbox/inbox.js", headers: ["If-None-Match": "W/\(tag)"]).status == 304)
        #expect(get("/inbox/inbox.js", headers: ["If-None-Match": "\"other\""]).status == 200)
        #expect(get("/inbox/inbox.css", headers: ["If-None-Match": tag]).status == 200)
    }

    /// The CSP forbids inline script and style: the pages must not need them, and the
    /// scripts must never turn data into HTML.
    @Test func pagesNeedNothingTheCSPForbids() throws {
        let disk = try Self.filesOnDisk()
        for (path, text) in disk where path.hasSuffix(".html") {
            for tag in Self.matches(#"<script\b[^>]*>"#, in: text) {
                #expect(tag.contains("src=\"/"), "\(path): a script without a same-origin src: \(tag)")
            }
            #expect(Self.matches(#"<style\b"#, in: text).isEmpty, "\(path): inline <style>")
            #expect(Self.matches(#"\sstyle\s*="#, in: text).isEmpty, "\(path): a style attribute")
            #expect(Self.matches(#"\son[a-z]+\s*="#, in: text).isEmpty, "\(path): an inline event handler")
            #expect(Self.matches(#"(src|href)\s*=\s*"(https?:)?//"#, in: text).isEmpty, "\(path): another origin")
        }
        for (path, text) in disk where path.hasSuffix(".js") {
            for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
                #expect(!text.contains(sink), "\(path) uses \(sink)")
            }
        }
    }

    /// The inbox listens to each event kind by name (an EventSource hears only the names it
    /// asks for): a kind missing from its list would never refresh the page.
    @Test func inboxListensToEveryEventKind() throws {
        let script = try #require(WebAssets.files.first { $0.path == "inbox/inbox.js" }?.text)
        for kind in EventKind.allCases {
            #expect(script.contains("'\(kind.rawValue)'"), "inbox.js does not listen to '\(kind.rawValue)' events")
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return ["bad pattern \(pattern)"] }
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }
}
