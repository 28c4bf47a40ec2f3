import Testing
import Foundation
import SwitchboardLog

@Suite struct MetricsRegistryTests {
    @Test func smallRegistryRendersExactExpositionText() {
        let r = MetricsRegistry()
        let messages = r.counter("switchboard_messages_total", help: "Messages seen.\nSecond line \\ backslash",
                                 labelNames: ["workspace", "direction"])
        messages.labels("bakery", "in").increment()
        messages.labels("bakery", "in").increment(by: 2)
        messages.labels("a \"quoted\"\\\nname", "out").increment()
        let depth = r.gauge("switchboard_outbox_depth", help: "Messages waiting to be sent.")
        depth.set(7)
        r.computedGauge("switchboard_uptime_seconds", help: "Seconds since start.") { 12.5 }
        r.computedGauge("switchboard_channel_up", help: "1 when the channel is connected.", labelNames: ["channel"]) {
            [(labels: ["wa-main"], value: 1), (labels: ["tg"], value: 0)]
        }
        let latency = r.histogram("switchboard_latency_seconds", help: "Latency.", labelNames: ["route"], buckets: [1, 0.5])
        latency.labels("/x").observe(0.25)
        latency.labels("/x").observe(0.5)   // a bound is inclusive: le="0.5"
        latency.labels("/x").observe(3)

        #expect(r.render() == #"""
        # HELP switchboard_messages_total Messages seen.\nSecond line \\ backslash
        # TYPE switchboard_messages_total counter
        switchboard_messages_total{workspace="a \"quoted\"\\\nname",direction="out"} 1
        switchboard_messages_total{workspace="bakery",direction="in"} 3
        # HELP switchboard_outbox_depth Messages waiting to be sent.
        # TYPE switchboard_outbox_depth gauge
        switchboard_outbox_depth 7
        # HELP switchboard_uptime_seconds Seconds since start.
        # TYPE switchboard_uptime_seconds gauge
        switchboard_uptime_seconds 12.5
        # HELP switchboard_channel_up 1 when the channel is connected.
        # TYPE switchboard_channel_up gauge
        switchboard_channel_up{channel="tg"} 0
        switchboard_channel_up{channel="wa-main"} 1
        # HELP switchboard_latency_seconds Latency.
        # TYPE switchboard_latency_seconds histogram
        switchboard_latency_seconds_bucket{route="/x",le="0.5"} 2
        switchboard_latency_seconds_bucket{route="/x",le="1"} 2
        switchboard_latency_seconds_bucket{route="/x",le="+Inf"} 3
        switchboard_latency_seconds_sum{route="/x"} 3.75
        switchboard_latency_seconds_count{route="/x"} 3

        """#)
    }

    @Test func aFamilyWithNoSeriesYetRendersOnlyItsHeader() {
        let r = MetricsRegistry()
        _ = r.counter("switchboard_x_total", help: "X.", labelNames: ["a"])
        #expect(r.render() == "# HELP switchboard_x_total X.\n# TYPE switchboard_x_total counter\n")
    }

    @Test func defaultBucketsAndSpecialValues() {
        let r = MetricsRegistry()
        let h = r.histogram("d_seconds", help: "D.")
        h.observe(0.003)
        let g = r.gauge("g", help: "G.")
        g.set(-.infinity)
        let text = r.render()
        #expect(text.contains("d_seconds_bucket{le=\"0.005\"} 1\n"))
        #expect(text.contains("d_seconds_bucket{le=\"0.01\"} 1\n"))
        #expect(text.contains("d_seconds_bucket{le=\"10\"} 1\n"))
        #expect(text.contains("d_seconds_bucket{le=\"+Inf\"} 1\n"))
        #expect(text.contains("d_seconds_sum 0.003\n"))
        #expect(text.contains("g -Inf\n"))
    }

    @Test func registeringTheSameNameAgainReturnsTheSameFamily() {
        let r = MetricsRegistry()
        let a = r.counter("c_total", help: "C.", labelNames: ["k"])
        let b = r.counter("c_total", help: "C.", labelNames: ["k"])
        a.labels("v").increment()
        b.labels("v").increment()
        #expect(a === b)
        #expect(r.render() == "# HELP c_total C.\n# TYPE c_total counter\nc_total{k=\"v\"} 2\n")
    }

    @Test func concurrentUpdatesAreAllCounted() {
        let r = MetricsRegistry()
        let c = r.counter("hits_total", help: "Hits.", labelNames: ["worker"])
        let h = r.histogram("obs", help: "Obs.", buckets: [1])
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for _ in 0..<10_000 {
                c.labels(String(i % 2)).increment()
                h.observe(0.5)
            }
        }
        #expect(c.labels("0").current == 40_000)
        #expect(c.labels("1").current == 40_000)
        #expect(h.labels().snapshot.count == 80_000)
        #expect(r.render().contains("obs_bucket{le=\"1\"} 80000\n"))
    }
}
