package io.gatehouse.server.wallet;

import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.List;

/** {@code POST /api/v1/keys/minting/rotate}: one step of the minting key rotation, for an admin token. */
public final class MintingKeyController {
    private final MintingKeys keys;
    private final Authenticator auth;

    public MintingKeyController(MintingKeys keys, Authenticator auth) {
        this.keys = keys;
        this.auth = auth;
    }

    /**
     * What a step did.
     *
     * @param result the sentence the command line prints
     * @param publishedKeyIds the key ids bundles publish and scans accept now, oldest first
     */
    record Rotation(String result, List<Integer> publishedKeyIds) {
    }

    public void register(Routes routes) {
        routes.post("/api/v1/keys/minting/rotate", this::rotate);
    }

    private void rotate(Context ctx) {
        Principal principal = auth.require(ctx, Permission.KEYS_ROTATE);
        String result = keys.rotate(principal.actor(), Requests.client(ctx));
        ctx.json(new Rotation(result, keys.published().stream().map(MintingKey::keyId).toList()));
    }
}
