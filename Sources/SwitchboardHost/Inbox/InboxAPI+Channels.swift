import Foundation
import SwitchboardCore
import SwitchboardHTTP

extension InboxAPI {
    struct ChannelJSON: Encodable {
        let id: String
        let type: String
        let state: String
        let down: Bool
        let since: String
        let reason: String?
        /// A WhatsApp Web number waiting for its phone: the QR code to scan (admins only).
        var pairing: PairingJSON? = nil

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(type, forKey: .type)
            try c.encode(state, forKey: .state)
            try c.encode(down, forKey: .down)
            try c.encode(since, forKey: .since)
            try c.encode(reason, forKey: .reason) // null, not left out
            try c.encodeIfPresent(pairing, forKey: .pairing)
        }

        enum CodingKeys: String, CodingKey { case id, type, state, down, since, reason, pairing }
    }

    struct PairingJSON: Encodable {
        /// The QR as a `data:image/png;base64,...` URL.
        let qr_image: String?
        /// The text the QR encodes.
        let qr_code: String?
        /// The code typed on the phone instead of scanning, when one was asked for.
        let pairing_code: String?
    }

    struct ChannelListJSON: Encodable {
        let channels: [ChannelJSON]
    }

    /// `GET /channels`: the channels serving the caller's workspace, live from this host.
    func listChannels(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        // A QR code links the business's WhatsApp account: shown to its admins only.
        let admin = context.role == .admin || context.role == .owner
        let list = channels(context.workspace).map {
            var c = ChannelJSON(id: $0.id.rawValue, type: $0.type, state: $0.status.state.rawValue, down: $0.status.isDown,
                                since: RFC3339.string($0.status.since), reason: $0.status.reason)
            if admin, $0.status.state == .needsPairing, let code = pairing($0.id) {
                c.pairing = PairingJSON(qr_image: code.imageDataURL, qr_code: code.code, pairing_code: code.pairingCode)
            }
            return c
        }
        return Self.json(ChannelListJSON(channels: list))
    }
}
