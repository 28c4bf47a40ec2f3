/// A response can be thrown or returned as a `Result` failure: a check that refuses a
/// request (authentication, validation) hands back the exact response to send, e.g.
/// `func authenticate(_:) -> Result<AuthContext, HTTPResponse>`.
extension HTTPResponse: Error {}
