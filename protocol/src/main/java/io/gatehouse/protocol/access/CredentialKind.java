package io.gatehouse.protocol.access;

/**
 * What kind of credential a proof names, and so the one proof type it may present: the type byte says
 * who signed, and each kind has exactly one signer.
 */
public enum CredentialKind {

    /** A key pair made on the phone or in the command-line wallet; its proofs are device-signed. */
    DEVICE_KEY("device_key", ProofType.DEVICE_SIGNED),

    /**
     * A WebAuthn passkey of the web wallet. The passkey's own key stays with the server, which checks
     * the assertion and then mints the proof; a door sees only minted proofs.
     */
    PASSKEY("passkey", ProofType.SERVER_MINTED);

    private final String code;
    private final ProofType proofType;

    CredentialKind(String code, ProofType proofType) {
        this.code = code;
        this.proofType = proofType;
    }

    /**
     * Returns the stable text form.
     *
     * @return {@code "device_key"} or {@code "passkey"}
     */
    public String code() {
        return code;
    }

    /**
     * Returns the only proof type a credential of this kind accepts.
     *
     * @return the type, never null
     */
    public ProofType proofType() {
        return proofType;
    }
}
