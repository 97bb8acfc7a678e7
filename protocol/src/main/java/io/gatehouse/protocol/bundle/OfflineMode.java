package io.gatehouse.protocol.bundle;

import java.util.Optional;

/**
 * What a door does when its reader is offline and its bundle has expired (is older than the door's
 * maximum accepted staleness): the reader can then no longer tell who is revoked.
 */
public enum OfflineMode {

    /** Deny every scan (byte 0, the default): a locked door, nobody revoked gets in. */
    FAIL_SECURE(0, "fail_secure"),

    /**
     * Grant every scan (byte 1): an open door, for exits and doors that must never trap anyone. Anyone
     * who shows any code gets in, revoked or not.
     */
    FAIL_OPEN(1, "fail_open");

    private final int code;
    private final String text;

    OfflineMode(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /**
     * Returns the byte written in a bundle.
     *
     * @return 0 or 1
     */
    public int code() {
        return code;
    }

    /**
     * Returns the stable text form used in the API and in configuration.
     *
     * @return {@code "fail_secure"} or {@code "fail_open"}
     */
    public String text() {
        return text;
    }

    /**
     * Looks a mode up by its byte.
     *
     * @param code the byte, any int
     * @return the mode, or empty if no mode has this code
     */
    public static Optional<OfflineMode> fromCode(int code) {
        for (OfflineMode mode : values()) {
            if (mode.code == code) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
