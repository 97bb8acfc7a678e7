package io.gatehouse.protocol.access;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How far the server trusts the device that holds a credential's key, decided at enrollment from the
 * device's attestation. The constants are ordered from weakest to strongest, so {@link #compareTo}
 * and {@link #isAtLeast} compare strength.
 */
public enum DeviceTrust {

    /** The key is held in software (the CLI wallet, an emulator, a phone without attestation). */
    SOFTWARE("software"),
    /** The key is held in secure hardware (a secure element or TEE) and cannot be exported. */
    HARDWARE("hardware"),
    /** The key is held in secure hardware and can be used only after a biometric check. */
    HARDWARE_BIOMETRIC("hardware+biometric");

    private final String code;

    DeviceTrust(String code) {
        this.code = code;
    }

    /**
     * Returns the stable text form used in the API and in configuration.
     *
     * @return {@code "software"}, {@code "hardware"} or {@code "hardware+biometric"}
     */
    public String code() {
        return code;
    }

    /**
     * Tells whether this level is at least as strong as another.
     *
     * @param minimum the level to compare with; not null
     * @return true if this level is {@code minimum} or stronger
     * @throws NullPointerException if {@code minimum} is null
     */
    public boolean isAtLeast(DeviceTrust minimum) {
        return compareTo(Objects.requireNonNull(minimum, "minimum")) >= 0;
    }

    /**
     * Reads the text form written by {@link #code()}; exact match, case-sensitive.
     *
     * @param code the text; not null
     * @return the level, never null
     * @throws NullPointerException if {@code code} is null
     * @throws IllegalArgumentException if no level has this code
     */
    public static DeviceTrust parse(String code) {
        Objects.requireNonNull(code, "code");
        for (DeviceTrust trust : values()) {
            if (trust.code.equals(code)) {
                return trust;
            }
        }
        throw new IllegalArgumentException("device trust: expected one of "
                + Arrays.stream(values()).map(DeviceTrust::code).collect(Collectors.joining(", ")) + ", got '" + code + "'");
    }
}
