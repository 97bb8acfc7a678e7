package io.gatehouse.server;

import io.gatehouse.server.access.RuleErasure;
import io.gatehouse.server.console.SessionErasure;
import io.gatehouse.server.device.DeviceErasure;
import io.gatehouse.server.login.LoginErasure;
import io.gatehouse.server.oidc.OidcErasure;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.policy.PolicyController;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.TotpErasure;
import io.gatehouse.server.totp.TotpStatus;
import io.gatehouse.server.totp.TotpUnlock;
import io.gatehouse.server.user.LockoutReset;
import io.gatehouse.server.user.People;
import io.gatehouse.server.user.PersonDevices;
import io.gatehouse.server.user.SecondFactors;
import io.gatehouse.server.user.UserController;
import io.gatehouse.server.user.UserService;
import java.util.List;

/**
 * Users with their roles, the MFA policy of each role, and what administrators see of people (their second factor,
 * lockout and devices, which other features know: they are composed here).
 */
public record PeopleModule(UserService users, PolicyService policies, LockoutReset lockouts, People people) {

    /**
     * The features that keep rows about a person erase them when the person is deleted: console sessions (which
     * ends them), answered login requests, provider sessions, codes and tokens, rules naming them, then their devices
     * (passkeys before the device rows), then their second factors.
     */
    static PeopleModule open(Core core) {
        UserService users = new UserService(core.database(), core.audit(), core.clock(), core.random(),
                List.of(new SessionErasure(), new LoginErasure(), new OidcErasure(), new RuleErasure(),
                        new DeviceErasure(core.clock()), new TotpErasure()));
        PolicyService policies = new PolicyService(core.database(), core.audit(), core.clock(), users);
        SecondFactors secondFactors = (tx, user) -> {
            TotpStatus.Summary totp = TotpStatus.of(tx, user.id());
            return new SecondFactors.State(totp.activeCredential(), totp.pendingEnrollment(),
                    policies.effectiveFor(tx, user.roles()).totpRequired(), totp.recoveryCodesRemaining());
        };
        PersonDevices devices = (tx, userId, limit) -> Devices.firstOf(tx, userId, limit).stream()
                .map(device -> new PersonDevices.Summary(device.id(), device.kind().code(), device.trust().code(),
                        device.active(), device.model(), device.createdAt(), device.lastUsedAt()))
                .toList();
        return new PeopleModule(users, policies, new TotpUnlock(core.database(), core.audit(), users, core.clock()),
                new People(core.database(), users, secondFactors, devices));
    }

    void register(Web web) {
        new UserController(users, people, lockouts, web.auth(), web.maxBody()).register(web.routes());
        new PolicyController(policies, web.auth(), web.maxBody()).register(web.routes());
    }
}
