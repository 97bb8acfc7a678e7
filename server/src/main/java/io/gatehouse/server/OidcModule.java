package io.gatehouse.server;

import io.gatehouse.server.oidc.OidcClients;
import io.gatehouse.server.oidc.OidcController;
import io.gatehouse.server.oidc.OidcProvider;
import io.gatehouse.server.oidc.ProviderSessions;
import io.gatehouse.server.oidc.SigningKeys;
import java.util.concurrent.TimeUnit;

/**
 * The OpenID Connect provider: registered clients, the keys its tokens are signed with, its sign-in page and
 * sessions, and its endpoints.
 */
public record OidcModule(OidcClients clients, SigningKeys signingKeys, OidcProvider provider) {

    static OidcModule open(Core core, Services services, PasskeyModule passkeys, LoginModule login, Web web) {
        SigningKeys keys = new SigningKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        keys.ensureActive();
        OidcClients clients = new OidcClients(core.database(), core.audit(), core.clock(), core.random());
        OidcProvider.People people = new OidcProvider.People(services.people().users(), services.people().policies(),
                services.totp().verifier(), passkeys.passkeys(), login.requests(), services.access().devices());
        ProviderSessions.Settings settings = new ProviderSessions.Settings(
                core.config().signIn().sessionLifetime(), core.config().signIn().stepUpLifetime());
        OidcProvider provider = new OidcProvider(core.database(), core.audit(), core.keyring(), clients, keys, people,
                settings, () -> web.links().base(), core.clock(), core.random());
        return new OidcModule(clients, keys, provider);
    }

    void register(Web web) {
        new OidcController(provider, web.auth(), web.maxBody()).register(web.routes());
    }

    void schedule(Background background) {
        background.every("provider session pruning", 1, 60, TimeUnit.MINUTES, provider.sessions()::prune);
    }
}
