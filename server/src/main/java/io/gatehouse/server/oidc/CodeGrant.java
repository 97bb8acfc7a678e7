package io.gatehouse.server.oidc;

import java.util.Optional;

/**
 * An authorization code's binding: the client and redirect URI it was issued for, the PKCE challenge (S256) the
 * token request must answer, the nonce the ID token carries, and the sign-in behind it.
 */
public record CodeGrant(String clientId, String redirectUri, Optional<String> codeChallenge, Optional<String> nonce,
        String scope, SignIn signIn) {
}
