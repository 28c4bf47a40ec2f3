/// What a WhatsApp Web gateway says about its session: the `state` of a
/// `connection.update` webhook or of `GET /instance/connectionState/{instance}`, with the
/// disconnect code (`statusReason`, Baileys' `DisconnectReason`) when it closed.
public enum GatewayConnection: Sendable, Equatable {
    case open
    case connecting
    /// Closed; `reason` is the Baileys code when the gateway sent one.
    case close(reason: Int?)
    /// The gateway stopped showing QR codes (its QR limit was reached) without a scan.
    case refused

    /// Reads the gateway's state word (`open`, `connecting`, `close`, `refused`); nil for
    /// anything else (a gateway that does not have the instance loaded says nothing).
    public init?(state: String, reason: Int?) {
        switch state {
        case "open": self = .open
        case "connecting": self = .connecting
        case "close", "closed": self = .close(reason: reason)
        case "refused": self = .refused
        default: return nil
        }
    }
}

/// What a close code means for supervision (Baileys `DisconnectReason`, which Evolution
/// passes on as `statusReason`).
public enum SessionCloseKind: Sendable, Equatable {
    /// It heals: connection lost (408), closed (428), bad session (500), unavailable
    /// (503), restart required (515, routine right after pairing), multidevice
    /// mismatch (411), and any code not known to be final. Reconnect with backoff.
    case transient
    /// 401 logged out, and 402/403/406 (WhatsApp refused the session; Evolution itself
    /// stops on these): a new pairing is needed. Never retried.
    case loggedOut
    /// 440: another session replaced this one. Never retried, never fought.
    case replaced

    public init(code: Int?) {
        switch code {
        case 401, 402, 403, 406: self = .loggedOut
        case 440: self = .replaced
        default: self = .transient
        }
    }
}
