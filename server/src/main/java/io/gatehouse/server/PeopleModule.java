package io.gatehouse.server;

import io.gatehouse.server.db.Database;
import io.gatehouse.server.policy.PolicyController;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.TotpStatus;
import io.gatehouse.server.user.SecondFactors;
import io.gatehouse.server.user.UserController;
import io.gatehouse.server.user.UserService;

/** Users with their roles, and the MFA policy of each role. */
public record PeopleModule(UserService users, PolicyService policies) {

    static PeopleModule open(Core core) {
        UserService users = new UserService(core.database(), core.audit(), core.clock(), core.random());
        return new PeopleModule(users, new PolicyService(core.database(), core.audit(), core.clock(), users));
    }

    void register(Web web, Database database) {
        SecondFactors secondFactors = (tx, user) -> {
            TotpStatus.Summary totp = TotpStatus.of(tx, user.id());
            return new SecondFactors.State(totp.activeCredential(), totp.pendingEnrollment(),
                    policies.effectiveFor(tx, user.roles()).totpRequired(), totp.recoveryCodesRemaining());
        };
        new UserController(users, secondFactors, database, web.auth(), web.maxBody()).register(web.routes());
        new PolicyController(policies, web.auth(), web.maxBody()).register(web.routes());
    }
}
