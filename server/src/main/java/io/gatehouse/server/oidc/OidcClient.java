package io.gatehouse.server.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import io.gatehouse.server.policy.SignInMethod;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An application registered to sign people in.
 *
 * @param secretHash the SHA-256 of the client secret ({@code client_secret_basic}); null otherwise
 * @param jwks the public keys of its {@code private_key_jwt} assertions; empty otherwise
 * @param refreshTokens whether the client was registered to receive refresh tokens
 * @param signInMethods how people may sign in to it (their roles' policies may narrow this further)
 * @param phishingResistant whether it always needs a phishing-resistant sign-in (passkey or phone approval)
 */
public record OidcClient(String clientId, String name, boolean publicClient, List<URI> redirectUris,
        List<URI> postLogoutRedirectUris, AuthMethod authMethod, byte[] secretHash, Optional<JWKSet> jwks,
        boolean refreshTokens, Set<SignInMethod> signInMethods, boolean phishingResistant, String createdBy,
        Instant createdAt) {

    /** How a client authenticates at the token endpoint. */
    public enum AuthMethod {
        /** A public client (a browser or native application): it proves itself with PKCE alone. */
        NONE("none"),
        CLIENT_SECRET_BASIC("client_secret_basic"),
        PRIVATE_KEY_JWT("private_key_jwt");

        private final String code;

        AuthMethod(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public OidcClient {
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        signInMethods = Collections.unmodifiableSet(EnumSet.copyOf(signInMethods));
    }

    /** Exact match, as text: no normalisation, so that no two spellings of a URI can be played against each other. */
    public boolean allowsRedirect(String redirectUri) {
        return redirectUris.stream().anyMatch(uri -> uri.toString().equals(redirectUri));
    }

    public boolean allowsPostLogoutRedirect(String redirectUri) {
        return postLogoutRedirectUris.stream().anyMatch(uri -> uri.toString().equals(redirectUri));
    }

    @Override
    public String toString() {
        return "OidcClient[" + clientId + ", " + name + ", " + authMethod.code() + "]";
    }
}
