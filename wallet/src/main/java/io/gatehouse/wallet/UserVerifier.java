package io.gatehouse.wallet;

/**
 * Where a phone plugs in its biometric (or device PIN) prompt. The answer becomes the proof's UV flag;
 * no biometric data ever leaves the device.
 *
 * <p>On a phone the strongest form is a key that the secure hardware releases only after the
 * platform's biometric check, so that the UV flag cannot be set without it; this interface is the
 * software seam for that check.
 */
@FunctionalInterface
public interface UserVerifier {

    /**
     * The command-line wallet's verifier: it has no biometric sensor, so it never claims user
     * verification (its credentials also carry device trust {@code software}).
     */
    UserVerifier NONE = reason -> false;

    /**
     * Asks the user to verify, and tells whether they did.
     *
     * @param reason a short sentence shown in the prompt, for example {@code "Open a door"}; not null
     * @return true only if the user passed the check just now
     */
    boolean verify(String reason);
}
