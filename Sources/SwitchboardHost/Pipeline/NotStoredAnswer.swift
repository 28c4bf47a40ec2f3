import SwitchboardHTTP
import SwitchboardStore

extension HTTPResponse {
    /// The answer to a message that could not be stored: 503 with `Retry-After` while the
    /// database cannot be reached (`StoreError.isUnavailable`: a PostgreSQL server that
    /// stopped, a lost connection; providers deliver again, the web chat page says so),
    /// 500 for any other store error. Either way nothing was stored.
    static func notStored(_ error: any Error) -> HTTPResponse {
        if (error as? StoreError)?.isUnavailable == true {
            return .error(503, "the database is unavailable; not stored, please retry", headers: ["Retry-After": "5"])
        }
        return .error(500, "not stored, please retry")
    }
}
