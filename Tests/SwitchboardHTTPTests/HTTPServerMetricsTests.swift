import Testing
import SwitchboardHTTP
import SwitchboardLog

@Suite struct HTTPServerMetricsTests {
    @Test func requestsAreCountedByRoutePatternMethodAndStatus() throws {
        var router = HTTPRouter()
        router.post("/webhooks/whatsapp/{app}") { _ in .empty(status: 200) }
        router.get("/fail") { _ in .error(500, "boom") }
        let metrics = MetricsRegistry()
        try withServer(router, metrics: metrics) { _, port in
            _ = try request(port, "POST", "/webhooks/whatsapp/main", body: Array("{}".utf8))
            _ = try request(port, "POST", "/webhooks/whatsapp/other", body: Array("{}".utf8))
            _ = try request(port, "DELETE", "/webhooks/whatsapp/main")
            _ = try request(port, "GET", "/no/such/path")
            _ = try request(port, "GET", "/fail")
            _ = try request(port, "BREW", "/fail")

            let expected = [
                #"switchboard_http_requests_total{route="/webhooks/whatsapp/{app}",method="POST",status="200"} 2"#,
                #"switchboard_http_requests_total{route="/webhooks/whatsapp/{app}",method="DELETE",status="405"} 1"#,
                #"switchboard_http_requests_total{route="unmatched",method="GET",status="404"} 1"#,
                #"switchboard_http_requests_total{route="/fail",method="GET",status="500"} 1"#,
                #"switchboard_http_requests_total{route="/fail",method="other",status="405"} 1"#,
                #"switchboard_http_request_duration_seconds_count{route="/webhooks/whatsapp/{app}"} 3"#,
                #"switchboard_http_request_duration_seconds_bucket{route="/webhooks/whatsapp/{app}",le="+Inf"} 3"#,
            ]
            // Metrics are recorded when libmicrohttpd reports the request complete, which
            // may be a moment after the client has read the response.
            #expect(eventually {
                let lines = Set(metrics.render().split(separator: "\n").map(String.init))
                return expected.allSatisfy(lines.contains)
            })
            let text = metrics.render()
            for line in expected { #expect(text.contains(line + "\n"), "missing: \(line)") }
            #expect(text.contains("# TYPE switchboard_http_requests_total counter\n"))
            #expect(text.contains("# TYPE switchboard_http_request_duration_seconds histogram\n"))
            // Raw paths never become labels.
            #expect(!text.contains("whatsapp/main"))
            #expect(!text.contains("/no/such/path"))
        }
    }

    @Test func metricsResponseServesTheRegistry() throws {
        let metrics = MetricsRegistry()
        metrics.computedGauge("switchboard_up", help: "Always 1.") { 1 }
        var router = HTTPRouter()
        router.get("/metrics") { _ in .metrics(metrics) }
        try withServer(router, metrics: metrics) { _, port in
            let r = try request(port, "GET", "/metrics")
            #expect(r.status == 200)
            #expect(r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            #expect(r.text.hasPrefix("# HELP switchboard_up Always 1.\n# TYPE switchboard_up gauge\nswitchboard_up 1\n"))
        }
    }
}
