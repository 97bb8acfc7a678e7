package io.gatehouse.protocol.bundle;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A visitor pass as a door's bundle carries it ({@code GHB3}): the SHA-256 of its handle, never the handle, and
 * nothing about the person but a pseudonymous visitor id. A revoked pass is simply not listed.
 *
 * @param handleDigest SHA-256 of the UTF-8 bytes of the pass's handle; 32 bytes; copied
 * @param visitorId the pass's visitor, as events name it ({@code visitor:<id>}); not blank
 * @param validFromEpochSecond the first second of the window; 0 or more
 * @param validUntilEpochSecond the window ends at this second; after {@code validFromEpochSecond}
 * @param maxEntries the entries the pass grants in all; 1..2^31-1
 * @param entriesCounted the entries the server had counted when it built the bundle (online grants and offline
 *     grants uploaded so far, at every reader); 0..{@code maxEntries}
 * @param flags reserved; zero
 */
public record BundlePass(byte[] handleDigest, String visitorId, long validFromEpochSecond, long validUntilEpochSecond,
        int maxEntries, int entriesCounted, int flags) {

    /** The length of a handle digest. */
    public static final int DIGEST_LENGTH = 32;

    /**
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException naming the field and the value when a range is violated
     */
    public BundlePass {
        Objects.requireNonNull(handleDigest, "handleDigest");
        if (handleDigest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("pass: handle digest must be " + DIGEST_LENGTH + " bytes, got "
                    + handleDigest.length);
        }
        handleDigest = handleDigest.clone();
        Objects.requireNonNull(visitorId, "visitorId");
        if (visitorId.isBlank()) {
            throw new IllegalArgumentException("pass: visitorId must not be blank");
        }
        if (validFromEpochSecond < 0 || validUntilEpochSecond <= validFromEpochSecond) {
            throw new IllegalArgumentException("pass " + visitorId + ": window " + validFromEpochSecond + ".."
                    + validUntilEpochSecond + " must start at 0 or later and end after it starts");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("pass " + visitorId + ": maxEntries must be 1 or more, got " + maxEntries);
        }
        if (entriesCounted < 0 || entriesCounted > maxEntries) {
            throw new IllegalArgumentException("pass " + visitorId + ": entriesCounted must be 0.." + maxEntries
                    + ", got " + entriesCounted);
        }
        if (flags != 0) {
            throw new IllegalArgumentException(String.format("pass %s: reserved flag bits set: 0x%02X", visitorId,
                    flags));
        }
    }

    /** A pass without flags. */
    public BundlePass(byte[] handleDigest, String visitorId, long validFromEpochSecond, long validUntilEpochSecond,
            int maxEntries, int entriesCounted) {
        this(handleDigest, visitorId, validFromEpochSecond, validUntilEpochSecond, maxEntries, entriesCounted, 0);
    }

    @Override
    public byte[] handleDigest() {
        return handleDigest.clone();
    }

    /** The digest in lower-case hex, the key a reader looks a pass up by. */
    public String digestHex() {
        return HexFormat.of().formatHex(handleDigest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BundlePass pass && Arrays.equals(handleDigest, pass.handleDigest)
                && visitorId.equals(pass.visitorId) && validFromEpochSecond == pass.validFromEpochSecond
                && validUntilEpochSecond == pass.validUntilEpochSecond && maxEntries == pass.maxEntries
                && entriesCounted == pass.entriesCounted && flags == pass.flags;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(handleDigest), visitorId, validFromEpochSecond, validUntilEpochSecond,
                maxEntries, entriesCounted, flags);
    }

    @Override
    public String toString() {
        return "BundlePass[" + visitorId + ", digest " + digestHex().substring(0, 8) + "…, " + validFromEpochSecond
                + ".." + validUntilEpochSecond + ", " + entriesCounted + "/" + maxEntries + "]";
    }
}
