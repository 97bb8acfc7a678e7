package io.gatehouse.server;

import io.gatehouse.server.login.ApproximateLocation;
import io.gatehouse.server.login.LoginController;
import io.gatehouse.server.login.LoginRequests;
import java.util.concurrent.TimeUnit;

/**
 * "Sign in with your phone": login requests that an enrolled phone approves with its passkey. The location is the
 * truncated address until an address database names countries.
 */
record LoginModule(LoginRequests requests) {

    static LoginModule open(Core core, PasskeyModule passkeys, AccessModule access, Web web) {
        return new LoginModule(new LoginRequests(core.database(), core.audit(), passkeys.passkeys(), access.devices(),
                ApproximateLocation.truncatedAddress(), () -> web.links().base(), core.clock(), core.random()));
    }

    void schedule(Background background) {
        background.every("login request pruning", 1, 60, TimeUnit.MINUTES, requests::prune);
    }

    void register(Web web) {
        new LoginController(requests, web.maxBody()).register(web.routes());
    }
}
