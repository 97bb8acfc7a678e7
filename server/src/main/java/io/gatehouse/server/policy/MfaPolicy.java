package io.gatehouse.server.policy;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The second-factor rules for a role.
 *
 * @param totpRequired whether users with this role must have TOTP (reported on the user; enforced by the caller)
 * @param algorithm HMAC algorithm of new TOTP credentials
 * @param digits 6 or 8
 * @param periodSeconds 30 or 60
 * @param lookBehindSteps earlier time steps still accepted (clock drift, slow typing); 0 to 5
 * @param lookAheadSteps later time steps accepted (a device clock running fast); 0 to 5
 * @param enrollmentLinkTtl how long an enrollment link lives; 1 minute to 24 hours
 * @param consoleTotpSignIn whether people with this role may sign in to the console with a TOTP code (or a recovery
 *     code) instead of a passkey; off unless a policy turns it on, and only when every policy of a person allows it
 * @param signInMethods how people with this role may sign in to applications (the OpenID Connect provider); a
 *     person may use a method only if every policy of theirs allows it
 * @param phishingResistantSignIn whether people with this role must sign in to applications with a
 *     phishing-resistant method (passkey or phone approval), whatever the application asks
 * @param stepUpWhenFlagged whether a correct TOTP or recovery code of a person with this role, while an unresolved
 *     alert about them is recent ({@code alerts.flag-minutes}), is answered {@code step_up_required} instead of
 *     accepted: the application must ask for a stronger method (a passkey sign-in)
 */
public record MfaPolicy(
        boolean totpRequired,
        OtpAlgorithm algorithm,
        int digits,
        int periodSeconds,
        int lookBehindSteps,
        int lookAheadSteps,
        Duration enrollmentLinkTtl,
        boolean consoleTotpSignIn,
        Set<SignInMethod> signInMethods,
        boolean phishingResistantSignIn,
        boolean stepUpWhenFlagged) {

    /** Applies to users none of whose roles has a policy: SHA1, 6 digits, 30 s, current and previous step, 10 min. */
    public static final MfaPolicy DEFAULT =
            new MfaPolicy(false, OtpAlgorithm.SHA1, 6, 30, 1, 0, Duration.ofMinutes(10), false, SignInMethod.ALL,
                    false, false);

    public MfaPolicy {
        check(digits == 6 || digits == 8, "digits", "6 or 8", digits);
        check(periodSeconds == 30 || periodSeconds == 60, "periodSeconds", "30 or 60", periodSeconds);
        check(lookBehindSteps >= 0 && lookBehindSteps <= 5, "lookBehindSteps", "0 to 5", lookBehindSteps);
        check(lookAheadSteps >= 0 && lookAheadSteps <= 5, "lookAheadSteps", "0 to 5", lookAheadSteps);
        long ttl = enrollmentLinkTtl.toSeconds();
        check(ttl >= 60 && ttl <= 86_400, "enrollmentLinkTtlSeconds", "60 to 86400", ttl);
        check(!signInMethods.isEmpty(), "signInMethods", "at least one method", "none");
        signInMethods = Collections.unmodifiableSet(EnumSet.copyOf(signInMethods));
    }

    /** The methods two roles both allow; a person whose roles share none cannot sign in to applications. */
    private static Set<SignInMethod> both(Set<SignInMethod> a, Set<SignInMethod> b) {
        Set<SignInMethod> shared = EnumSet.noneOf(SignInMethod.class);
        shared.addAll(a);
        shared.retainAll(b);
        return shared.isEmpty() ? EnumSet.of(SignInMethod.PASSKEY) : shared;
    }

    private static void check(boolean ok, String field, String expected, Object actual) {
        if (!ok) {
            throw GatehouseException.invalid("invalid_field", "field '" + field + "' must be " + expected + ", got "
                    + actual);
        }
    }

    /**
     * The policy of a user with several roles: the strictest value of each setting (required if any role requires
     * it, the strongest algorithm, the most digits, the shortest period, the narrowest window, the shortest link,
     * TOTP sign-in to the console only if every role allows it, the sign-in methods every role allows (a passkey
     * alone when they share none), phishing resistance if any role requires it).
     */
    public static MfaPolicy strictest(Collection<MfaPolicy> policies) {
        if (policies.isEmpty()) {
            return DEFAULT;
        }
        MfaPolicy result = null;
        for (MfaPolicy policy : policies) {
            result = result == null ? policy : new MfaPolicy(
                    result.totpRequired || policy.totpRequired,
                    result.algorithm.compareTo(policy.algorithm) >= 0 ? result.algorithm : policy.algorithm,
                    Math.max(result.digits, policy.digits),
                    Math.min(result.periodSeconds, policy.periodSeconds),
                    Math.min(result.lookBehindSteps, policy.lookBehindSteps),
                    Math.min(result.lookAheadSteps, policy.lookAheadSteps),
                    result.enrollmentLinkTtl.compareTo(policy.enrollmentLinkTtl) <= 0
                            ? result.enrollmentLinkTtl : policy.enrollmentLinkTtl,
                    result.consoleTotpSignIn && policy.consoleTotpSignIn,
                    both(result.signInMethods, policy.signInMethods),
                    result.phishingResistantSignIn || policy.phishingResistantSignIn,
                    result.stepUpWhenFlagged || policy.stepUpWhenFlagged);
        }
        return result;
    }
}
