package io.gatehouse.server;

import io.gatehouse.server.alert.Flags;
import io.gatehouse.server.totp.Lockout;
import io.gatehouse.server.totp.RecoveryCodes;
import io.gatehouse.server.totp.TotpController;
import io.gatehouse.server.totp.TotpEnrollments;
import io.gatehouse.server.totp.TotpVerifier;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.TimeUnit;

/** Second factors: enrollment links, verification of codes and recovery codes, and their throttles. */
public record TotpModule(RecoveryCodes recoveryCodes, TotpEnrollments enrollments, TotpVerifier verifier) {

    static TotpModule open(Core core, PeopleModule people, CodesModule codes) {
        RecoveryCodes recoveryCodes = new RecoveryCodes(core.keyring(), core.clock(), core.random());
        TotpEnrollments enrollments = new TotpEnrollments(core.database(), core.audit(), core.secrets(),
                people.policies(), people.users(), recoveryCodes, core.clock(), core.random(), core.config().issuer(),
                codes.codes());
        TotpVerifier verifier = new TotpVerifier(core.database(), core.audit(), core.secrets(), people.policies(),
                recoveryCodes, core.clock(), Lockout.of(core.config()),
                new Flags(core.config().alerting().flagWindow(), core.clock()));
        return new TotpModule(recoveryCodes, enrollments, verifier);
    }

    void register(Web web) {
        new TotpController(enrollments, verifier, web.auth(), web.links(), web.maxBody(),
                (kind, verdict) -> Counter.builder("gatehouse.verifications").tag("kind", kind)
                        .tag("result", verdict.result()).tag("reason", verdict.accepted() ? "" : verdict.reason())
                        .register(web.registry()).increment())
                .register(web.routes());
    }

    void schedule(Background background) {
        background.every("enrollment expiry", 5, 30, TimeUnit.SECONDS, enrollments::expireDue);
        background.every("second-factor throttle sweep", 15, 15, TimeUnit.SECONDS, verifier::sweepThrottles);
    }
}
