package io.gatehouse.protocol.otp;

import java.util.Objects;

/**
 * The shared, non-secret settings of a TOTP credential (RFC 6238).
 *
 * @param algorithm the HMAC hash function; not null
 * @param digits the code length, {@value Hotp#MIN_DIGITS}..{@value Hotp#MAX_DIGITS}. Gatehouse
 *     enrols 6 or 8; 7 is allowed because it is valid RFC 4226 output
 * @param periodSeconds the time-step length X in seconds, 1..{@value #MAX_PERIOD_SECONDS}
 */
public record TotpParameters(OtpAlgorithm algorithm, int digits, int periodSeconds) {

    /** Longest accepted time step: beyond five minutes a code is no longer "one-time" in practice. */
    public static final int MAX_PERIOD_SECONDS = 300;

    /** SHA-1, 6 digits, 30 seconds: the only combination every authenticator app honours. */
    public static final TotpParameters DEFAULT = new TotpParameters(OtpAlgorithm.SHA1, 6, 30);

    /**
     * Validates the parameters.
     *
     * @throws NullPointerException if {@code algorithm} is null
     * @throws IllegalArgumentException if {@code digits} or {@code periodSeconds} is out of range
     */
    public TotpParameters {
        Objects.requireNonNull(algorithm, "algorithm");
        Hotp.checkDigits(digits);
        if (periodSeconds < 1 || periodSeconds > MAX_PERIOD_SECONDS) {
            throw new IllegalArgumentException(
                    "TOTP period: expected 1.." + MAX_PERIOD_SECONDS + " seconds, got " + periodSeconds);
        }
    }
}
