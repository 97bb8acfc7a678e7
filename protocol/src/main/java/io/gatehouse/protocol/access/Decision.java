package io.gatehouse.protocol.access;

import java.util.Objects;
import java.util.Optional;

/**
 * The verdict of {@link AccessVerifier} on one scan.
 *
 * @param granted whether the door may open
 * @param reason why access was denied; null exactly when granted
 * @param detail a sentence for the audit log that names the expected and the actual value; not null
 * @param proof the parsed proof, present from step 2 on (absent only when the text was malformed)
 * @param credential the credential, present from step 3 on (absent when malformed or unknown)
 */
public record Decision(
        boolean granted,
        DenyReason reason,
        String detail,
        Optional<AccessProof> proof,
        Optional<CredentialView> credential) {

    /**
     * @throws NullPointerException if {@code detail}, {@code proof} or {@code credential} is null
     * @throws IllegalArgumentException if {@code reason} is null for a denial or set for a grant, or a
     *     grant lacks its proof or credential
     */
    public Decision {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(credential, "credential");
        if (granted && reason != null) {
            throw new IllegalArgumentException("a granted decision has no deny reason, got " + reason);
        }
        if (!granted && reason == null) {
            throw new IllegalArgumentException("a denied decision needs a deny reason, got null");
        }
        if (granted && (proof.isEmpty() || credential.isEmpty())) {
            throw new IllegalArgumentException("a granted decision needs its proof and credential");
        }
    }

    /**
     * Creates a grant.
     *
     * @param proof the verified proof; not null
     * @param credential its credential; not null
     * @param detail what granted it, for example the rule; not null
     * @return the decision, never null
     */
    public static Decision grant(AccessProof proof, CredentialView credential, String detail) {
        return new Decision(true, null, detail, Optional.of(proof), Optional.of(credential));
    }

    /**
     * Creates a denial.
     *
     * @param reason why; not null
     * @param detail what exactly was wrong; not null
     * @param proof the proof if it was parsed; not null
     * @param credential the credential if it was found; not null
     * @return the decision, never null
     */
    public static Decision deny(DenyReason reason, String detail, Optional<AccessProof> proof,
            Optional<CredentialView> credential) {
        return new Decision(false, Objects.requireNonNull(reason, "reason"), detail, proof, credential);
    }

    /**
     * Returns the stable code of the outcome.
     *
     * @return {@code "granted"}, or the deny reason's {@link DenyReason#code()}
     */
    public String code() {
        return granted ? "granted" : reason.code();
    }
}
