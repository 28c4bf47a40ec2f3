import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The webhook routes of every channel type (`WebhookEndpoint`s: the Cloud API's
/// `/webhooks/whatsapp/{app}`, Telegram's `/webhooks/telegram/{channel}`, ...), one
/// handler for all: the endpoint verifies and parses; the batch goes through the one
/// ingest path (`ChannelIngest`); the answer is 200 only after it committed.
///
/// Refusals: 401 (signature or secret), 404 (unknown channel or app), 400 (malformed),
/// 413 (too large); nothing of a refused request is stored. If the commit fails the
/// answer is 503 with `Retry-After` when the database is away or busy
/// (`StoreError.isUnavailable`: a PostgreSQL server that stopped, a lost connection),
/// else 500; either way nothing of it is stored and the provider delivers the webhook
/// again. The answer waits for the
/// commit, but the server thread does not: the connection is suspended until the store's
/// completion gives the answer (`HTTPDeferredResponse`).
struct ChannelIngress: Sendable {
    let endpoints: [any WebhookEndpoint]
    let ingest: ChannelIngest
    let logger: Logger
    let metrics: PipelineMetrics

    func addRoutes(to router: inout HTTPRouter) {
        for endpoint in endpoints {
            router.get(endpoint.path) { [self] in handshake(endpoint, $0) }
            router.post(endpoint.path) { [self] in receive(endpoint, $0) }
        }
    }

    static func request(_ endpoint: any WebhookEndpoint, _ request: HTTPRequest) -> WebhookRequest {
        let headers = request.headers
        return WebhookRequest(name: request.parameter(endpoint.parameter) ?? "", query: request.query,
                              header: { headers[$0] }, body: request.body)
    }

    func handshake(_ endpoint: any WebhookEndpoint, _ http: HTTPRequest) -> HTTPResponse {
        let request = Self.request(endpoint, http)
        guard let answer = endpoint.handshake(request) else { return .error(405, "use POST") }
        if answer.status != 200 {
            logger.warn("webhook verification refused", [endpoint.parameter: request.name, "mode": http.query["hub.mode"] ?? ""])
        } else {
            logger.info("webhook verified", [endpoint.parameter: request.name])
        }
        return answer.status == 404 ? .error(404, answer.body) : .text(answer.body, status: answer.status)
    }

    func receive(_ endpoint: any WebhookEndpoint, _ http: HTTPRequest) -> HTTPResponse {
        let request = Self.request(endpoint, http)
        let name = request.name
        let receivedAt = Date()
        let batch: InboundBatch
        do {
            batch = try endpoint.receive(request, receivedAt: receivedAt)
        } catch {
            let label = error.code == .unknownChannel ? (name.isEmpty ? "-" : "unknown") : name
            metrics.webhooks.labels(label, error.outcome).increment()
            switch error.code {
            case .unauthorized:
                logger.warn("webhook signature refused; nothing stored", [endpoint.parameter: name, "reason": error.reason])
                return .error(401, "invalid signature")
            case .unknownChannel:
                return .error(404, error.reason)
            case .malformed, .tooLarge:
                logger.warn("malformed webhook refused", [endpoint.parameter: name, "reason": error.reason])
                return .error(error.code.rawValue, error.reason)
            }
        }
        let answer = HTTPDeferredResponse()
        let (logger, metrics) = (self.logger, self.metrics)
        ingest.commit(batch, source: name, receivedAt: receivedAt) { outcome in
            switch outcome {
            case .success:
                metrics.webhooks.labels(name, "accepted").increment()
                answer.complete(.json("{\"ok\":true}"))
            case .failure(let error):
                metrics.webhooks.labels(name, "store_error").increment()
                let response = HTTPResponse.notStored(error)
                logger.error("webhook not stored; answering \(response.status) so the provider delivers it again",
                             [endpoint.parameter: name, LogKey.error: "\(error)"])
                answer.complete(response)
            }
        }
        return .deferred(answer)
    }
}
