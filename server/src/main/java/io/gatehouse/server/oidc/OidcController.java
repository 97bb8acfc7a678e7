package io.gatehouse.server.oidc;

import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Routes;

/**
 * Puts every route of the provider on the server: client registration, discovery and JWKS, authorize and its
 * sign-in page, token, logout.
 */
public final class OidcController {
    private final OidcProvider provider;
    private final Authenticator auth;
    private final int maxBody;

    public OidcController(OidcProvider provider, Authenticator auth, int maxBody) {
        this.provider = provider;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        new OidcClientController(provider.clients(), auth, maxBody).register(routes);
        new DiscoveryController(provider.endpoints(), provider.keys(), auth).register(routes);
        new TokenController(provider.authenticator(), provider.tokens(), provider.endpoints()).register(routes);
        provider.signInController(maxBody).register(routes);
        provider.logoutController().register(routes);
    }
}
