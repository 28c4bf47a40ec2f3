import SwitchboardLog

/// The pipeline's metrics, registered once: per channel and workspace counters, the
/// outbox depth and the webhook-to-reply latency.
struct PipelineMetrics: Sendable {
    let received: MetricsCounterFamily
    let duplicates: MetricsCounterFamily
    let unrouted: MetricsCounterFamily
    let sent: MetricsCounterFamily
    let failed: MetricsCounterFamily
    let retries: MetricsCounterFamily
    let statuses: MetricsCounterFamily
    let webhooks: MetricsCounterFamily
    let replyLatency: MetricsHistogramFamily
    let channelState: MetricsGaugeFamily
    let webChatStreamsRefused: MetricsCounterFamily
    let settleFailures: MetricsCounterFamily
    let settlesDropped: MetricsCounterFamily
    let providerIDCollisions: MetricsCounterFamily

    init(_ registry: MetricsRegistry) {
        let cw = ["channel", "workspace"]
        received = registry.counter("switchboard_messages_received_total", help: "Inbound messages committed.", labelNames: cw)
        duplicates = registry.counter("switchboard_messages_duplicate_total", help: "Inbound messages delivered again by the provider and ignored.", labelNames: cw)
        unrouted = registry.counter("switchboard_messages_unrouted_total", help: "Inbound messages no workspace takes, held for an admin.", labelNames: ["channel"])
        sent = registry.counter("switchboard_messages_sent_total", help: "Outbound messages the provider accepted.", labelNames: cw)
        failed = registry.counter("switchboard_messages_failed_total", help: "Outbound messages that failed for good.", labelNames: cw)
        retries = registry.counter("switchboard_send_retries_total", help: "Send attempts that failed and were scheduled again.", labelNames: cw)
        statuses = registry.counter("switchboard_delivery_statuses_total", help: "Delivery statuses applied (sent, delivered, read, failed).", labelNames: ["channel", "status"])
        webhooks = registry.counter("switchboard_webhooks_total", help: "Webhook requests by outcome.", labelNames: ["app", "outcome"])
        replyLatency = registry.histogram(
            "switchboard_webhook_to_reply_seconds",
            help: "From the webhook carrying a message to the provider accepting its reply.",
            labelNames: ["channel"],
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        settleFailures = registry.counter(
            "switchboard_outbox_settle_failures_total",
            help: "Attempts to record an outbox entry's outcome (sent, retry, failed, requeue, done) that could not be written; each is tried again.",
            labelNames: ["channel", "outcome"])
        settlesDropped = registry.counter(
            "switchboard_outbox_settles_dropped_total",
            help: "Outbox outcomes (sent, failed) not recorded because their message no longer exists; the entry is dropped.",
            labelNames: ["channel", "outcome"])
        providerIDCollisions = registry.counter(
            "switchboard_provider_id_collisions_total",
            help: "Sends the provider accepted under a message id another message already has (recorded without it).",
            labelNames: cw)
        channelState = registry.gauge("switchboard_channel_state", help: "1 for the state each channel is in.", labelNames: ["channel", "state"])
        webChatStreamsRefused = registry.counter("switchboard_webchat_streams_refused_total",
                                                 help: "Web chat streams refused by the limits (webchat.*): visitor, address (429) or total (503).",
                                                 labelNames: ["limit"])
    }
}
