package io.gatehouse.server;

import io.gatehouse.server.access.RuleErasure;
import io.gatehouse.server.console.SessionErasure;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.DeviceErasure;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.policy.PolicyController;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.TotpErasure;
import io.gatehouse.server.totp.TotpStatus;
import io.gatehouse.server.totp.TotpUnlock;
import io.gatehouse.server.user.LockoutReset;
import io.gatehouse.server.user.PersonDevices;
import io.gatehouse.server.user.SecondFactors;
import io.gatehouse.server.user.UserController;
import io.gatehouse.server.user.UserService;
import java.util.List;

/** Users with their roles, and the MFA policy of each role. */
public record PeopleModule(UserService users, PolicyService policies, LockoutReset lockouts) {

    /**
     * The features that keep rows about a person erase them when the person is deleted: console sessions (which
     * ends them), rules naming them, then their devices (passkeys before the device rows), then their second factors.
     */
    static PeopleModule open(Core core) {
        UserService users = new UserService(core.database(), core.audit(), core.clock(), core.random(),
                List.of(new SessionErasure(), new RuleErasure(), new DeviceErasure(core.clock()), new TotpErasure()));
        return new PeopleModule(users, new PolicyService(core.database(), core.audit(), core.clock(), users),
                new TotpUnlock(core.database(), core.audit(), users, core.clock()));
    }

    void register(Web web, Database database) {
        SecondFactors secondFactors = (tx, user) -> {
            TotpStatus.Summary totp = TotpStatus.of(tx, user.id());
            return new SecondFactors.State(totp.activeCredential(), totp.pendingEnrollment(),
                    policies.effectiveFor(tx, user.roles()).totpRequired(), totp.recoveryCodesRemaining());
        };
        PersonDevices devices = (tx, userId, limit) -> Devices.firstOf(tx, userId, limit).stream()
                .map(device -> new PersonDevices.Summary(device.id(), device.kind().code(), device.trust().code(),
                        device.active(), device.model(), device.createdAt(), device.lastUsedAt()))
                .toList();
        new UserController(users, secondFactors, lockouts, devices, database, web.auth(), web.maxBody())
                .register(web.routes());
        new PolicyController(policies, web.auth(), web.maxBody()).register(web.routes());
    }
}
