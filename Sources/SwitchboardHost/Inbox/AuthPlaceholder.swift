import SwitchboardHTTP

/// TEMPORARY, until the authentication branch is merged: the inbox API's `authenticate`
/// answers 401 to every request, so that the routes are served (and documented) but no
/// data leaves the host without a credential. The lead replaces this function with the
/// real authenticator on merge; nothing else depends on it.
func placeholderAuthenticateRejectingEveryone(_ request: HTTPRequest) -> Result<AuthContext, HTTPResponse> {
    .failure(.error(401, "authentication is not available in this build yet: no credential is accepted",
                    headers: ["WWW-Authenticate": "Bearer"]))
}
