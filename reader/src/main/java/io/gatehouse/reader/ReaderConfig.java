package io.gatehouse.reader;

import io.gatehouse.protocol.bundle.TrustedKey;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What enrollment and later bundles told the reader, kept in {@code config.json} in its state directory
 * (owner-only, because it holds the reader's credential).
 *
 * @param readerId the reader's id at the server; not null, not blank
 * @param doorId the door it guards; not null, not blank
 * @param serverUrl the server's base URL; not null
 * @param credential the bearer credential {@code ghr_…}; not null, not blank; a secret, never logged
 * @param keyFile the name of the PKCS#8 file of the reader's private key in the state directory; not null
 * @param publicKey the reader's public key, base64url SubjectPublicKeyInfo; not null
 * @param pinnedKeys the bundle-signing keys a bundle must be signed with; not null, copied
 * @param bundle the last good bundle, or null before the first one
 * @param revoked set when the server said the reader's credential is revoked, else null
 */
public record ReaderConfig(
        String readerId,
        String doorId,
        URI serverUrl,
        String credential,
        String keyFile,
        String publicKey,
        List<TrustedKey> pinnedKeys,
        BundleRef bundle,
        Revocation revoked) {

    /**
     * Where the last good bundle is and what it is.
     *
     * @param file its file name in the state directory; not null
     * @param version its version; 1 or more
     * @param sha256 the lowercase hex SHA-256 of the file, checked when it is loaded; not null
     */
    public record BundleRef(String file, long version, String sha256) {

        /**
         * @throws NullPointerException if a reference is null
         */
        public BundleRef {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * The server's statement that this reader's credential no longer works.
     *
     * @param code the problem code ({@code reader_revoked}, {@code invalid_token}); not null
     * @param detail the server's explanation; not null
     * @param at when the reader learnt it, ISO-8601; not null
     */
    public record Revocation(String code, String detail, String at) {

        /**
         * @throws NullPointerException if a reference is null
         */
        public Revocation {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * @throws NullPointerException if a required reference is null
     * @throws IllegalArgumentException if an id or the credential is blank
     */
    public ReaderConfig {
        requireNonBlank(readerId, "readerId");
        requireNonBlank(doorId, "doorId");
        Objects.requireNonNull(serverUrl, "serverUrl");
        requireNonBlank(credential, "credential");
        requireNonBlank(keyFile, "keyFile");
        requireNonBlank(publicKey, "publicKey");
        pinnedKeys = List.copyOf(pinnedKeys);
    }

    private static void requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException("reader config: " + name + " must not be blank");
        }
    }

    /**
     * Returns a copy with a new last good bundle and the keys it told the reader to pin.
     *
     * @param newBundle the bundle reference; not null
     * @param newPins the bundle's trusted keys; not null
     * @return the new config, never null
     */
    public ReaderConfig withBundle(BundleRef newBundle, List<TrustedKey> newPins) {
        return new ReaderConfig(readerId, doorId, serverUrl, credential, keyFile, publicKey, newPins,
                Objects.requireNonNull(newBundle, "newBundle"), revoked);
    }

    /**
     * Returns a copy marked revoked.
     *
     * @param revocation what the server said; not null
     * @return the new config, never null
     */
    public ReaderConfig withRevocation(Revocation revocation) {
        return new ReaderConfig(readerId, doorId, serverUrl, credential, keyFile, publicKey, pinnedKeys, bundle,
                Objects.requireNonNull(revocation, "revocation"));
    }

    /** Everything but the credential. */
    @Override
    public String toString() {
        return "ReaderConfig[readerId=" + readerId + ", doorId=" + doorId + ", serverUrl=" + serverUrl
                + ", credential=(hidden), keyFile=" + keyFile + ", pinnedKeys="
                + pinnedKeys.stream().map(TrustedKey::keyId).toList() + ", bundle=" + bundle + ", revoked=" + revoked + "]";
    }
}
