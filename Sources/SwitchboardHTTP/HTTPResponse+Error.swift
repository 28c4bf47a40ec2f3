/// A response can be the failure of a `Result`: an authenticator returns
/// `Result<AuthContext, HTTPResponse>`, the failure being the answer to send as is
/// (401, 403). It carries no error message of its own beyond its body.
extension HTTPResponse: Error {}
