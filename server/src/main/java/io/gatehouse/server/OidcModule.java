package io.gatehouse.server;

import io.gatehouse.server.oidc.DiscoveryController;
import io.gatehouse.server.oidc.Endpoints;
import io.gatehouse.server.oidc.OidcClientController;
import io.gatehouse.server.oidc.OidcClients;
import io.gatehouse.server.oidc.SigningKeys;

/** The OpenID Connect provider: registered clients, the keys its tokens are signed with, and its endpoints. */
public record OidcModule(OidcClients clients, SigningKeys signingKeys) {

    static OidcModule open(Core core) {
        SigningKeys keys = new SigningKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        keys.ensureActive();
        return new OidcModule(new OidcClients(core.database(), core.audit(), core.clock(), core.random()), keys);
    }

    void register(Web web) {
        new OidcClientController(clients, web.auth(), web.maxBody()).register(web.routes());
        new DiscoveryController(new Endpoints(() -> web.links().base()), signingKeys, web.auth())
                .register(web.routes());
    }
}
