package io.gatehouse.protocol.otp;

import java.security.MessageDigest;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * TOTP (RFC 6238): HOTP over the number of whole time steps since the Unix epoch (T0 = 0).
 *
 * <p>Time is always passed in as epoch seconds so that callers decide which clock to trust and
 * tests need no clock at all.
 *
 * <p><b>Not thread-safe</b>, for the same reason as {@link Hotp}: it reuses one {@code Mac}.
 */
public final class Totp {

    /**
     * Upper bound for each side of a verification window. RFC 6238 §5.2 recommends at most one
     * step of network delay; ten covers five minutes of clock drift at 30 s and keeps a single
     * verification bounded at 21 HMACs.
     */
    public static final int MAX_WINDOW_STEPS = 10;

    private final TotpParameters params;
    private final Hotp hotp;
    private final byte[] candidateBytes;
    private final byte[] expectedBytes;

    /**
     * Creates a generator and verifier for one credential.
     *
     * @param params the algorithm, digits and period; not null
     * @param key the shared secret; not null, not empty; copied
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public Totp(TotpParameters params, byte[] key) {
        this.params = Objects.requireNonNull(params, "params");
        this.hotp = new Hotp(params.algorithm(), key, params.digits());
        this.candidateBytes = new byte[params.digits()];
        this.expectedBytes = new byte[params.digits()];
    }

    /**
     * The parameters this instance was created with.
     *
     * @return never null
     */
    public TotpParameters parameters() {
        return params;
    }

    /**
     * The time step containing an instant: {@code floor(epochSecond / period)}.
     *
     * @param epochSecond seconds since 1970-01-01T00:00:00Z; any value (negative values give
     *     negative steps, which have no codes)
     * @return the step number
     */
    public long stepAt(long epochSecond) {
        return Math.floorDiv(epochSecond, params.periodSeconds());
    }

    /**
     * The code an authenticator shows at an instant.
     *
     * @param epochSecond seconds since 1970-01-01T00:00:00Z; at least 0
     * @return exactly {@code digits} ASCII digits; never null
     * @throws IllegalArgumentException if {@code epochSecond} is negative
     */
    public String codeAt(long epochSecond) {
        if (epochSecond < 0) {
            throw new IllegalArgumentException("TOTP time: expected epoch seconds >= 0, got " + epochSecond);
        }
        return Hotp.format(hotp.codeAt(stepAt(epochSecond)), params.digits());
    }

    /**
     * Checks a candidate code against every step in a window around an instant.
     *
     * <p>Every step in the window is computed and compared, with
     * {@link MessageDigest#isEqual(byte[], byte[])}, whatever matched before, so the time taken
     * does not reveal which step (if any) matched. Steps below 0 are skipped.
     *
     * <p>Two steps in one window can produce the same code (about once in {@code 10^digits}
     * pairs). Then the step closest to the current one is returned; on a tie the earlier step
     * wins, because a code typed from a phone was most likely read before the server looked at
     * its clock. In order: current, current−1, current+1, current−2, current+2, …
     *
     * <p>This method does not prevent replay. Callers store the returned step and reject any
     * later match at or below it.
     *
     * @param candidate the code the user entered; may be null. Null, or anything other than
     *     exactly {@code digits} ASCII digits {@code 0-9}, never matches (no exception: it is
     *     user input)
     * @param epochSecond the verifier's current time, seconds since 1970-01-01T00:00:00Z
     * @param lookBehindSteps how many earlier steps to accept, 0..{@value #MAX_WINDOW_STEPS}
     * @param lookAheadSteps how many later steps to accept, 0..{@value #MAX_WINDOW_STEPS}
     * @return the matched step, or empty; never null
     * @throws IllegalArgumentException if a window size is out of range
     */
    public OptionalLong match(String candidate, long epochSecond, int lookBehindSteps, int lookAheadSteps) {
        checkWindow("lookBehindSteps", lookBehindSteps);
        checkWindow("lookAheadSteps", lookAheadSteps);
        if (!toAsciiDigits(candidate, candidateBytes)) {
            return OptionalLong.empty();
        }
        long current = stepAt(epochSecond);
        long matchedStep = 0;
        int matched = 0;
        // Least preferred first: each later comparison overwrites the selection on a match, so
        // the preference order is encoded in the loop order rather than in a branch on the result.
        for (int distance = Math.max(lookBehindSteps, lookAheadSteps); distance >= 1; distance--) {
            if (distance <= lookAheadSteps) {
                // -1 (skipped) rather than wrapping round for absurd clocks near Long.MAX_VALUE.
                long step = current > Long.MAX_VALUE - distance ? -1 : current + distance;
                int hit = compareAt(step);
                matchedStep = select(hit, step, matchedStep);
                matched |= hit;
            }
            if (distance <= lookBehindSteps) {
                long step = current < distance ? -1 : current - distance;
                int hit = compareAt(step);
                matchedStep = select(hit, step, matchedStep);
                matched |= hit;
            }
        }
        int hit = compareAt(current);
        matchedStep = select(hit, current, matchedStep);
        matched |= hit;
        return matched != 0 ? OptionalLong.of(matchedStep) : OptionalLong.empty();
    }

    /** Returns 1 if the candidate equals the code at {@code step}, else 0; 0 for negative steps. */
    private int compareAt(long step) {
        if (step < 0) {
            // Which steps are negative depends only on the public clock, not on the secret.
            return 0;
        }
        Hotp.formatInto(hotp.codeAt(step), expectedBytes);
        return MessageDigest.isEqual(expectedBytes, candidateBytes) ? 1 : 0;
    }

    /** {@code hit == 1 ? step : previous}, without a branch. */
    private static long select(int hit, long step, long previous) {
        long mask = -(long) hit;
        return (step & mask) | (previous & ~mask);
    }

    /** Copies the candidate into {@code out} if it is exactly {@code out.length} ASCII digits. */
    private static boolean toAsciiDigits(String candidate, byte[] out) {
        if (candidate == null || candidate.length() != out.length) {
            return false;
        }
        for (int i = 0; i < out.length; i++) {
            char c = candidate.charAt(i);
            // Character.isDigit would accept other scripts' digits, which no authenticator emits.
            if (c < '0' || c > '9') {
                return false;
            }
            out[i] = (byte) c;
        }
        return true;
    }

    private static void checkWindow(String name, int steps) {
        if (steps < 0 || steps > MAX_WINDOW_STEPS) {
            throw new IllegalArgumentException(
                    "TOTP " + name + ": expected 0.." + MAX_WINDOW_STEPS + ", got " + steps);
        }
    }

    /** Names the settings only; key material never appears in logs. */
    @Override
    public String toString() {
        return "Totp[" + params + "]";
    }
}
