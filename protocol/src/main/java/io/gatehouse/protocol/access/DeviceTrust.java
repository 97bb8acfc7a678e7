package io.gatehouse.protocol.access;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How far the server trusts the device that holds a credential's key, decided at enrollment from the
 * device's attestation. The constants are ordered from weakest to strongest, so {@link #compareTo}
 * and {@link #isAtLeast} compare strength. That order is not the wire form: a bundle stores each
 * level by its {@link #wireCode()}, which never changes when a level is added between two others.
 */
public enum DeviceTrust {

    /** The key is held in software (the CLI wallet, an emulator, a phone without attestation). */
    SOFTWARE("software", 0),
    /**
     * A synced passkey: the platform keeps the key in secure hardware on each of the person's devices and
     * copies it between them end-to-end encrypted, so it is not bound to one device.
     */
    SYNCED("synced", 3),
    /** The key is held in secure hardware (a secure element or TEE) and cannot be exported. */
    HARDWARE("hardware", 1),
    /** The key is held in secure hardware and can be used only after a biometric check. */
    HARDWARE_BIOMETRIC("hardware+biometric", 2);

    private final String code;
    private final int wireCode;

    DeviceTrust(String code, int wireCode) {
        this.code = code;
        this.wireCode = wireCode;
    }

    /**
     * Returns the stable text form used in the API and in configuration.
     *
     * @return {@code "software"}, {@code "synced"}, {@code "hardware"} or {@code "hardware+biometric"}
     */
    public String code() {
        return code;
    }

    /**
     * Returns the byte that stands for this level in a reader bundle. Levels keep their byte when others
     * are added, so the byte says nothing about strength: compare levels with {@link #isAtLeast}.
     *
     * @return 0 software, 1 hardware, 2 hardware+biometric, 3 synced
     */
    public int wireCode() {
        return wireCode;
    }

    /**
     * Looks a level up by its bundle byte.
     *
     * @param wireCode the byte, any int
     * @return the level, or empty if no level has this byte
     */
    public static Optional<DeviceTrust> fromWireCode(int wireCode) {
        for (DeviceTrust trust : values()) {
            if (trust.wireCode == wireCode) {
                return Optional.of(trust);
            }
        }
        return Optional.empty();
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
