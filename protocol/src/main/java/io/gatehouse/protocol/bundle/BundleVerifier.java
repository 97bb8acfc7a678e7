package io.gatehouse.protocol.bundle;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides whether a reader may use a bundle it downloaded. The steps, in this order; verification stops
 * at the first failure and reports exactly one {@link BundleRefusal}:
 * <ol>
 *   <li><b>Parse</b> the bytes ({@link BundleCodec#parse}) → {@link BundleRefusal#MALFORMED malformed} or
 *       {@link BundleRefusal#TRUNCATED truncated}.</li>
 *   <li><b>Pinned key</b>: the signing key id is one the reader pinned →
 *       {@link BundleRefusal#UNKNOWN_KEY unknown_key}.</li>
 *   <li><b>Signature</b> over the label {@value BundleCodec#DOMAIN_LABEL} and every byte before the
 *       signature, with that pinned key → {@link BundleRefusal#BAD_SIGNATURE bad_signature}.</li>
 *   <li><b>Version</b> strictly greater than the last accepted one →
 *       {@link BundleRefusal#OLD_VERSION old_version}; this stops an attacker from replaying an older
 *       bundle in which a since-revoked credential was still active.</li>
 *   <li><b>Reader</b>: the bundle names this reader → {@link BundleRefusal#WRONG_READER wrong_reader}.</li>
 * </ol>
 * Nothing the bundle says (its version, its reader) is believed before step 3. Expiry is not checked:
 * a newer bundle is better than the one the reader has even when both are stale; the reader compares
 * {@link ReaderBundle#expiresAtEpochSecond()} with its clock at each scan to choose between deciding
 * and its door's offline mode. Stateless and thread-safe.
 */
public final class BundleVerifier {

    private BundleVerifier() {
    }

    /**
     * Runs steps 1 to 5.
     *
     * @param bytes the downloaded bundle; may be null (gives {@code malformed}); not retained
     * @param pinnedKeys the bundle-signing keys the reader trusts; not null, may be empty (then every
     *     bundle is {@code unknown_key})
     * @param readerId the reader's own id; not null
     * @param lastAcceptedVersion the version of the reader's current bundle, or 0 if it has none
     * @return {@link BundleCheck.Accepted} or {@link BundleCheck.Refused}, never null
     * @throws NullPointerException if {@code pinnedKeys} or {@code readerId} is null
     */
    public static BundleCheck verify(byte[] bytes, Collection<TrustedKey> pinnedKeys, String readerId,
            long lastAcceptedVersion) {
        Objects.requireNonNull(pinnedKeys, "pinnedKeys");
        Objects.requireNonNull(readerId, "readerId");

        // Step 1: parse.
        BundleParseResult.Parsed parsed;
        switch (BundleCodec.parse(bytes)) {
            case BundleParseResult.Malformed malformed -> {
                return new BundleCheck.Refused(malformed.truncated() ? BundleRefusal.TRUNCATED : BundleRefusal.MALFORMED,
                        malformed.detail());
            }
            case BundleParseResult.Parsed ok -> parsed = ok;
        }

        // Step 2: the signing key is pinned.
        Optional<TrustedKey> key = pinnedKeys.stream()
                .filter(pinned -> pinned.keyId().equals(parsed.signingKeyId()))
                .findFirst();
        if (key.isEmpty()) {
            return new BundleCheck.Refused(BundleRefusal.UNKNOWN_KEY, "bundle is signed with key id '"
                    + shorten(parsed.signingKeyId()) + "', expected one of the pinned key ids "
                    + pinnedKeys.stream().map(TrustedKey::keyId).collect(Collectors.joining(", ", "[", "]")));
        }

        // Step 3: signature.
        try {
            Signature verifier = Signature.getInstance(BundleCodec.ALGORITHM);
            verifier.initVerify(key.get().publicKey());
            verifier.update(BundleCodec.LABEL_BYTES);
            verifier.update(bytes, 0, parsed.signedLength());
            if (!verifier.verify(parsed.signature())) {
                return new BundleCheck.Refused(BundleRefusal.BAD_SIGNATURE,
                        "the signature does not verify with pinned key '" + key.get().keyId() + "'");
            }
        } catch (GeneralSecurityException e) {
            return new BundleCheck.Refused(BundleRefusal.BAD_SIGNATURE,
                    "the signature could not be checked with pinned key '" + key.get().keyId() + "': " + e.getMessage());
        }
        ReaderBundle bundle = parsed.bundle();

        // Step 4: newer than the last accepted bundle.
        if (bundle.bundleVersion() <= lastAcceptedVersion) {
            return new BundleCheck.Refused(BundleRefusal.OLD_VERSION, "bundle version " + bundle.bundleVersion()
                    + " is not newer than the accepted version " + lastAcceptedVersion);
        }

        // Step 5: meant for this reader.
        if (!bundle.readerId().equals(readerId)) {
            return new BundleCheck.Refused(BundleRefusal.WRONG_READER, "bundle is for reader '"
                    + shorten(bundle.readerId()) + "', expected '" + readerId + "'");
        }
        return new BundleCheck.Accepted(bundle, parsed.signingKeyId());
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
