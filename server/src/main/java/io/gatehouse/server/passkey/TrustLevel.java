package io.gatehouse.server.passkey;

/**
 * How far a passkey device is trusted, in the codes of the protocol's device trust levels. {@code synced} sits
 * between {@code software} and {@code hardware}: the key is in secure hardware on each of the person's devices, but
 * the platform copies it between them. Kept here until the protocol module carries {@code synced} itself.
 */
public enum TrustLevel {
    SOFTWARE("software"),
    SYNCED("synced"),
    HARDWARE("hardware"),
    HARDWARE_BIOMETRIC("hardware+biometric");

    private final String code;

    TrustLevel(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
