package io.gatehouse.protocol.otp;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/** The HMAC hash functions allowed for HOTP/TOTP (RFC 6238 §1.2). */
public enum OtpAlgorithm {
    /** HMAC-SHA-1: the RFC 4226 original and the only one every authenticator app supports. */
    SHA1("HmacSHA1", "SHA1"),
    /** HMAC-SHA-256 (RFC 6238). */
    SHA256("HmacSHA256", "SHA256"),
    /** HMAC-SHA-512 (RFC 6238). */
    SHA512("HmacSHA512", "SHA512");

    private final String macName;
    private final String uriName;

    OtpAlgorithm(String macName, String uriName) {
        this.macName = macName;
        this.uriName = uriName;
    }

    /**
     * The JCA algorithm name for {@link javax.crypto.Mac#getInstance(String)}.
     *
     * @return for example {@code "HmacSHA1"}; never null
     */
    public String macName() {
        return macName;
    }

    /**
     * The name used in the {@code algorithm} parameter of an {@code otpauth://} URI.
     *
     * @return {@code "SHA1"}, {@code "SHA256"} or {@code "SHA512"}; never null
     */
    public String uriName() {
        return uriName;
    }

    /**
     * Parses a {@linkplain #uriName() URI name}, ignoring case.
     *
     * @param name for example {@code "SHA1"} or {@code "sha256"}; not null
     * @return the algorithm; never null
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is not one of the accepted names; the
     *     message lists them
     */
    public static OtpAlgorithm parse(String name) {
        Objects.requireNonNull(name, "name");
        for (OtpAlgorithm a : values()) {
            if (a.uriName.equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("OTP algorithm: expected one of "
                + Arrays.stream(values()).map(OtpAlgorithm::uriName).collect(Collectors.joining(", "))
                + " (case-insensitive), got \"" + name + "\"");
    }
}
