package io.gatehouse.server;

import io.gatehouse.server.oidc.OidcClients;
import io.gatehouse.server.oidc.OidcController;
import io.gatehouse.server.oidc.OidcProvider;
import io.gatehouse.server.oidc.SigningKeys;

/** The OpenID Connect provider: registered clients, the keys its tokens are signed with, and its endpoints. */
public record OidcModule(OidcClients clients, SigningKeys signingKeys) {

    static OidcModule open(Core core) {
        SigningKeys keys = new SigningKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        keys.ensureActive();
        return new OidcModule(new OidcClients(core.database(), core.audit(), core.clock(), core.random()), keys);
    }

    void register(Core core, Web web) {
        OidcProvider provider = new OidcProvider(core.database(), core.audit(), clients, signingKeys,
                () -> web.links().base(), core.clock(), core.random());
        new OidcController(provider, web.auth(), web.maxBody()).register(web.routes());
    }
}
