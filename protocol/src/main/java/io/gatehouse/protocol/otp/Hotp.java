package io.gatehouse.protocol.otp;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * HOTP (RFC 4226): an HMAC over a 64-bit counter, dynamically truncated to a decimal code.
 *
 * <p>An instance is bound to one key and keeps an initialised {@link Mac} and scratch buffers
 * so that {@link #codeAt(long)} allocates nothing; verification computes several codes per
 * attempt and is benchmarked against the bare HMAC.
 *
 * <p><b>Not thread-safe.</b> Use one instance per thread or per verification; instances are
 * cheap compared with the network round trip that produced the candidate code.
 */
public final class Hotp {

    /** Shortest code length RFC 4226 §5.3 allows. */
    public static final int MIN_DIGITS = 6;

    /** Longest code length Gatehouse accepts (RFC 6238's reference code goes to 8). */
    public static final int MAX_DIGITS = 8;

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final OtpAlgorithm algorithm;
    private final int digits;
    private final int modulus;
    private final Mac mac;
    private final byte[] counterBytes = new byte[8];
    private final byte[] digest;

    /**
     * Creates a generator for one key.
     *
     * @param algorithm the HMAC hash function; not null
     * @param key the shared secret; not null, not empty. It is copied; the caller may wipe its
     *     array afterwards. No minimum length is enforced here (RFC 4226 asks for at least
     *     16 bytes); enrolment policy is the place for that
     * @param digits the code length, {@value #MIN_DIGITS}..{@value #MAX_DIGITS}
     * @throws NullPointerException if {@code algorithm} or {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or {@code digits} is out of range
     */
    public Hotp(OtpAlgorithm algorithm, byte[] key, int digits) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("HOTP key: expected at least 1 byte, got 0");
        }
        checkDigits(digits);
        this.digits = digits;
        this.modulus = POWERS_OF_TEN[digits];
        try {
            this.mac = Mac.getInstance(algorithm.macName());
            // SecretKeySpec copies the key.
            this.mac.init(new SecretKeySpec(key, algorithm.macName()));
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE implementation must provide HmacSHA1 and HmacSHA256; SHA512 is in every JDK we ship on.
            throw new IllegalStateException("JCA provider lacks " + algorithm.macName(), e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("HOTP key rejected by " + algorithm.macName() + ": " + e.getMessage(), e);
        }
        this.digest = new byte[mac.getMacLength()];
    }

    /**
     * Computes a one-off code, for callers that do not verify in a loop.
     *
     * @param algorithm the HMAC hash function; not null
     * @param key the shared secret; not null, not empty
     * @param counter the moving factor, taken as its 8 big-endian two's-complement bytes
     * @param digits the code length, {@value #MIN_DIGITS}..{@value #MAX_DIGITS}
     * @return the code, {@code 0 <= code < 10^digits}
     * @throws NullPointerException if {@code algorithm} or {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or {@code digits} is out of range
     */
    public static int generate(OtpAlgorithm algorithm, byte[] key, long counter, int digits) {
        return new Hotp(algorithm, key, digits).codeAt(counter);
    }

    /**
     * Computes the code for a counter value.
     *
     * @param counter the moving factor. RFC 4226 defines it as an unsigned 64-bit integer; the
     *     8 big-endian bytes of this {@code long} are used as they are, so negative values stand
     *     for counters of 2^63 and above
     * @return the code, {@code 0 <= code < 10^digits()}; format it with {@link #format(int, int)}
     *     to keep leading zeros
     */
    public int codeAt(long counter) {
        byte[] c = counterBytes;
        for (int i = 7; i >= 0; i--) {
            c[i] = (byte) counter;
            counter >>>= 8;
        }
        mac.update(c);
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("digest buffer sized from getMacLength() was too short", e);
        }
        // Dynamic truncation, RFC 4226 §5.3: the low nibble of the last byte picks 4 bytes; the
        // top bit is dropped so the value is the same whether read as signed or unsigned.
        byte[] h = digest;
        int offset = h[h.length - 1] & 0x0F;
        int binary = ((h[offset] & 0x7F) << 24)
                | ((h[offset + 1] & 0xFF) << 16)
                | ((h[offset + 2] & 0xFF) << 8)
                | (h[offset + 3] & 0xFF);
        return binary % modulus;
    }

    /**
     * Writes a code as exactly {@code digits} ASCII digits, with leading zeros, into a buffer.
     * Used by verification to compare bytes without creating strings.
     */
    static void formatInto(int code, byte[] out) {
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = (byte) ('0' + code % 10);
            code /= 10;
        }
    }

    /**
     * Formats a code with leading zeros, for display or comparison with user input.
     *
     * @param code the code, {@code 0 <= code < 10^digits}
     * @param digits the length, {@value #MIN_DIGITS}..{@value #MAX_DIGITS}
     * @return exactly {@code digits} ASCII digits; never null
     * @throws IllegalArgumentException if {@code digits} is out of range or {@code code} does not
     *     fit in {@code digits} digits
     */
    public static String format(int code, int digits) {
        checkDigits(digits);
        if (code < 0 || code >= POWERS_OF_TEN[digits]) {
            throw new IllegalArgumentException(
                    "OTP code: expected 0.." + (POWERS_OF_TEN[digits] - 1) + " for " + digits + " digits, got " + code);
        }
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = (char) ('0' + code % 10);
            code /= 10;
        }
        return new String(out);
    }

    /**
     * The hash function this generator was created with.
     *
     * @return never null
     */
    public OtpAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The code length this generator was created with.
     *
     * @return {@value #MIN_DIGITS}..{@value #MAX_DIGITS}
     */
    public int digits() {
        return digits;
    }

    static void checkDigits(int digits) {
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            throw new IllegalArgumentException(
                    "OTP digits: expected " + MIN_DIGITS + ".." + MAX_DIGITS + ", got " + digits);
        }
    }

    /** Names the settings only; key material never appears in logs. */
    @Override
    public String toString() {
        return "Hotp[" + algorithm + ", " + digits + " digits]";
    }
}
