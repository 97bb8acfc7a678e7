package io.gatehouse.protocol.access;

import java.util.Optional;

/**
 * Who signed an access proof. Both types share the first 31 bytes of the layout and one verification;
 * they differ in the key that verifies them (the credential's device key, or the server minting key
 * that a minted proof names by its key id), and a credential accepts only the type of its
 * {@link CredentialKind}.
 */
public enum ProofType {

    /** Signed on the phone by the credential's own device key (type byte 1). */
    DEVICE_SIGNED(1),

    /**
     * Minted by the server for a web wallet after a verified WebAuthn assertion, and signed with the
     * server minting key whose id the proof carries (type byte 2).
     */
    SERVER_MINTED(2);

    private final int code;

    ProofType(int code) {
        this.code = code;
    }

    /**
     * Returns the value of the type byte.
     *
     * @return 1 or 2
     */
    public int code() {
        return code;
    }

    /**
     * Looks a type up by the value of its type byte.
     *
     * @param code the type byte, any int
     * @return the type, or empty if no type has this code
     */
    public static Optional<ProofType> fromCode(int code) {
        for (ProofType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
