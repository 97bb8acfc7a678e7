package io.gatehouse.server;

import io.gatehouse.server.auth.ApiTokens;
import io.gatehouse.server.auth.Bootstrap;
import io.gatehouse.server.auth.TokenController;

/** API tokens and the one-time bootstrap link that creates the first administrator token. */
public record AuthModule(ApiTokens tokens, Bootstrap bootstrap) {

    static AuthModule open(Core core, Bootstrap.ConsoleAdmins consoleAdmins) {
        ApiTokens tokens = new ApiTokens(core.database(), core.audit(), core.clock(), core.random());
        return new AuthModule(tokens, new Bootstrap(core.database(), tokens, core.audit(), consoleAdmins,
                core.clock(), core.random()));
    }

    void register(Web web) {
        new TokenController(tokens, bootstrap, web.auth(), web.maxBody()).register(web.routes());
    }
}
