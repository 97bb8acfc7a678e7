package io.gatehouse.protocol.access;

/**
 * Why {@link AccessVerifier} denied a proof: one reason per failing check, named after the verification
 * step that found it. The {@link #code()} strings are stable: they appear in the API, the audit log and
 * the reader's event queue.
 */
public enum DenyReason {

    /** Step 1: the text is not a well-formed version 1 access proof. */
    MALFORMED(1, "malformed"),
    /** Step 2: no credential with this id is enrolled. */
    UNKNOWN_CREDENTIAL(2, "unknown_credential"),
    /** Step 3: the credential, or the device it lives on, was revoked. */
    REVOKED(3, "revoked"),
    /** Step 3: the credential's user is suspended. */
    SUSPENDED(3, "suspended"),
    /**
     * Step 4: the proof's type is not the one of the credential's kind: a minted proof for a device-key
     * credential, or a device-signed proof for a passkey credential.
     */
    WRONG_PROOF_TYPE(4, "wrong_proof_type"),
    /** Step 4: a minted proof names a minting key id that the verifier does not know (not published, or retired). */
    UNKNOWN_MINTING_KEY(4, "unknown_minting_key"),
    /** Step 4: the signature does not verify with the device key, or with the minting key the proof names. */
    BAD_SIGNATURE(4, "bad_signature"),
    /** Step 5: the proof is dated later than now plus the allowed skew. */
    NOT_YET_VALID(5, "not_yet_valid"),
    /** Step 5: the proof is older than its lifetime plus the allowed skew. */
    EXPIRED(5, "expired"),
    /** Step 6: this (credential, nonce) pair was presented before. */
    REPLAYED(6, "replayed"),
    /** Step 7: no rule of the door's zone grants the user, by user id or by role. */
    NOT_PERMITTED(7, "not_permitted"),
    /** Step 7: rules grant the user, but none of their schedules contains the local time at the door. */
    OUTSIDE_SCHEDULE(7, "outside_schedule"),
    /** Step 7: the door requires user verification and the proof does not carry the UV flag. */
    USER_VERIFICATION_REQUIRED(7, "user_verification_required"),
    /** Step 7: the device's trust level is below the door's minimum. */
    DEVICE_TRUST_TOO_LOW(7, "device_trust_too_low");

    private final int step;
    private final String code;

    DenyReason(int step, String code) {
        this.step = step;
        this.code = code;
    }

    /**
     * Returns the number of the verification step that produces this reason (see {@link AccessVerifier}).
     *
     * @return 1..7
     */
    public int step() {
        return step;
    }

    /**
     * Returns the stable machine-readable code.
     *
     * @return a lower_snake_case string, never null
     */
    public String code() {
        return code;
    }
}
