package io.gatehouse.server.policy;

import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.server.common.GatehouseException;
import java.time.Duration;
import java.util.List;

/**
 * The settings of a new or replaced role policy; a setting left out (null) takes the value of
 * {@link MfaPolicy#DEFAULT}, so that a role can tighten one setting without restating the others.
 */
public record PolicyChange(Boolean totpRequired, String algorithm, Integer digits, Integer periodSeconds,
        Integer lookBehindSteps, Integer lookAheadSteps, Integer enrollmentLinkTtlSeconds, Boolean consoleTotpSignIn,
        List<String> signInMethods, Boolean phishingResistantSignIn, Boolean stepUpWhenFlagged) {

    /** The policy these settings give; out-of-range values are refused by {@link MfaPolicy}. */
    MfaPolicy toPolicy() {
        MfaPolicy d = MfaPolicy.DEFAULT;
        return new MfaPolicy(
                totpRequired == null ? d.totpRequired() : totpRequired,
                algorithm == null ? d.algorithm() : parseAlgorithm(algorithm),
                digits == null ? d.digits() : digits,
                periodSeconds == null ? d.periodSeconds() : periodSeconds,
                lookBehindSteps == null ? d.lookBehindSteps() : lookBehindSteps,
                lookAheadSteps == null ? d.lookAheadSteps() : lookAheadSteps,
                enrollmentLinkTtlSeconds == null ? d.enrollmentLinkTtl()
                        : Duration.ofSeconds(enrollmentLinkTtlSeconds),
                consoleTotpSignIn == null ? d.consoleTotpSignIn() : consoleTotpSignIn,
                signInMethods == null ? d.signInMethods() : SignInMethod.parseAll("signInMethods", signInMethods),
                phishingResistantSignIn == null ? d.phishingResistantSignIn() : phishingResistantSignIn,
                stepUpWhenFlagged == null ? d.stepUpWhenFlagged() : stepUpWhenFlagged);
    }

    private static OtpAlgorithm parseAlgorithm(String name) {
        try {
            return OtpAlgorithm.parse(name);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_field", "field 'algorithm': " + e.getMessage());
        }
    }
}
