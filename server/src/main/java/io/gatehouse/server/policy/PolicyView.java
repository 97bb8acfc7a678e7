package io.gatehouse.server.policy;

import java.util.List;

/** A policy as the API shows it and the audit log records it: the link lifetime in whole seconds. */
public record PolicyView(boolean totpRequired, String algorithm, int digits, int periodSeconds, int lookBehindSteps,
        int lookAheadSteps, long enrollmentLinkTtlSeconds, boolean consoleTotpSignIn, List<String> signInMethods,
        boolean phishingResistantSignIn, boolean stepUpWhenFlagged) {

    public static PolicyView of(MfaPolicy policy) {
        return new PolicyView(policy.totpRequired(), policy.algorithm().name(), policy.digits(),
                policy.periodSeconds(), policy.lookBehindSteps(), policy.lookAheadSteps(),
                policy.enrollmentLinkTtl().toSeconds(), policy.consoleTotpSignIn(),
                SignInMethod.codes(policy.signInMethods()), policy.phishingResistantSignIn(),
                policy.stepUpWhenFlagged());
    }
}
