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

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(type, forKey: .type)
            try c.encode(state, forKey: .state)
            try c.encode(down, forKey: .down)
            try c.encode(since, forKey: .since)
            try c.encode(reason, forKey: .reason) // null, not left out
        }

        enum CodingKeys: String, CodingKey { case id, type, state, down, since, reason }
    }

    struct ChannelListJSON: Encodable {
        let channels: [ChannelJSON]
    }

    /// `GET /channels`: the channels serving the caller's workspace, live from this host.
    func listChannels(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let list = channels(context.workspace).map {
            ChannelJSON(id: $0.id.rawValue, type: $0.type, state: $0.status.state.rawValue, down: $0.status.isDown,
                        since: RFC3339.string($0.status.since), reason: $0.status.reason)
        }
        return Self.json(ChannelListJSON(channels: list))
    }
}
