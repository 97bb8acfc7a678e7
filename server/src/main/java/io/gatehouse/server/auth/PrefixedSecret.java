package io.gatehouse.server.auth;

import io.gatehouse.server.common.Ids;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Credentials of the form {@code <prefix><id>_<secret>} (API tokens {@code ght_}, reader credentials {@code ghr_}):
 * the id finds the stored row, the secret is kept only as its SHA-256 and compared in constant time. The fixed
 * prefix lets secret scanners recognise a leaked credential.
 */
public record PrefixedSecret(String id, String secret) {
    private static final int MAX_LENGTH = 200;

    /** Splits {@code token}; empty when it lacks the prefix or an id, or is implausibly long. */
    public static Optional<PrefixedSecret> parse(String token, String prefix) {
        if (token == null || !token.startsWith(prefix) || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        // Ids may contain '_' (rdr_…); secrets are Base32 and never do, so the last '_' separates them.
        int separator = token.lastIndexOf('_');
        if (separator <= prefix.length() || separator == token.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new PrefixedSecret(token.substring(prefix.length(), separator),
                token.substring(separator + 1)));
    }

    /** True when the secret's SHA-256 equals {@code storedHash}, compared in constant time. */
    public boolean matches(byte[] storedHash) {
        return storedHash != null && MessageDigest.isEqual(Ids.sha256(secret), storedHash);
    }

    @Override
    public String toString() {
        return "PrefixedSecret[id=" + id + ", secret=…]";
    }
}
