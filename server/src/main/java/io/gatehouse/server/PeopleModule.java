package io.gatehouse.server;

import io.gatehouse.server.db.Database;
import io.gatehouse.server.policy.PolicyController;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.user.UserController;
import io.gatehouse.server.user.UserService;

/** Users with their roles, and the MFA policy of each role. */
public record PeopleModule(UserService users, PolicyService policies) {

    static PeopleModule open(Core core) {
        UserService users = new UserService(core.database(), core.audit(), core.clock(), core.random());
        return new PeopleModule(users, new PolicyService(core.database(), core.audit(), core.clock(), users));
    }

    void register(Web web, Database database) {
        new UserController(users, (tx, user) -> policies.effectiveFor(tx, user.roles()).totpRequired(), database,
                web.auth(), web.maxBody()).register(web.routes());
        new PolicyController(policies, web.auth(), web.maxBody()).register(web.routes());
    }
}
