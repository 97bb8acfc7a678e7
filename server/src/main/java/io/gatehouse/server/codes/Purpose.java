package io.gatehouse.server.codes;

import io.gatehouse.server.common.GatehouseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a managed code leads to: a URL an administrator set, or one of Gatehouse's own links, whose page the owning
 * feature serves under {@link #linkPath()} followed by the handle.
 */
public enum Purpose {
    URL(null, true),
    TOTP_ENROLLMENT("/enroll/totp/", false),
    DEVICE_ENROLLMENT("/enroll/device/", false),
    PASSKEY_ENROLLMENT("/enroll/passkey/", false),
    READER_PROVISIONING("/reader-enroll/", false),
    VISITOR_PASS("/visit/", true);

    private final String linkPath;
    private final boolean shownAgain;

    Purpose(String linkPath, boolean shownAgain) {
        this.linkPath = linkPath;
        this.shownAgain = shownAgain;
    }

    /** The JSON and database name: {@code url}, {@code totp_enrollment}, … */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The feature's page for this purpose, to which the handle is appended; null for {@link #URL}. */
    public String linkPath() {
        return linkPath;
    }

    /**
     * True when the code's URL may be shown again after it was issued (a poster, a visitor's pass), so its handle is
     * kept sealed; enrollment and provisioning links are shown once, to the one person they are for.
     */
    public boolean shownAgain() {
        return shownAgain;
    }

    public static Optional<Purpose> parse(String code) {
        return Arrays.stream(values()).filter(purpose -> purpose.code().equals(code)).findFirst();
    }

    /** The purpose a stored row names; an unknown name is damage, not a client's mistake. */
    static Purpose stored(String code, String codeId) {
        return parse(code).orElseThrow(() -> GatehouseException.corrupt("managed code " + codeId + " has the unknown"
                + " purpose '" + code + "'", null));
    }
}
