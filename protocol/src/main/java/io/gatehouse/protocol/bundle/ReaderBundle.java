package io.gatehouse.protocol.bundle;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.WeeklyWindow;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an offline reader needs to decide at its door: the door's settings, the credentials that may
 * matter there with their keys, kinds and state, the revocation list, the zone's rules and the server's
 * minting keys and the visitor passes valid at the door, with a version and an expiry. The server builds one per reader and signs it ({@link BundleCodec#encode}); the reader
 * accepts it only through {@link BundleVerifier}.
 *
 * <p>The record checks what the binary format cannot express (counts above 255 where the format has a
 * byte, duplicate ids, schedules finer than a minute), so that every bundle it holds can be encoded;
 * string lengths (at most 65535 UTF-8 bytes each) are checked by the encoder.
 *
 * @param bundleVersion the server-assigned version, strictly increasing per reader; 1..2^63-1
 * @param issuedAtEpochSecond when the server built the bundle; 0 or more
 * @param expiresAtEpochSecond from this second on the bundle is stale, and the door falls back to its
 *     {@code offlineMode}; usually issued-at plus the door's maximum staleness; at least issued-at
 * @param readerId the reader the bundle is for; not null, not blank
 * @param door the door's verification settings; not null
 * @param offlineMode what the door does once the bundle has expired; not null
 * @param trustedKeys the bundle-signing keys the reader pins from now on; 1..255 keys with distinct ids;
 *     copied
 * @param credentials the credentials, revoked or not; distinct ids, each with at most 255 roles; copied
 * @param revoked ids of revoked credentials (whether or not listed in {@code credentials}); copied
 * @param rules the access rules; each with at most 255 windows whose times are whole minutes; copied
 * @param mintingKeys the published server minting keys that verify the web wallet's minted proofs:
 *     the active key and, during a rotation, the next one; 0..255 keys with distinct ids; copied
 * @param passes the visitor passes that admit at this door (directly or through its zone) and whose window has
 *     not ended when the bundle was built; distinct handle digests and visitor ids; copied
 */
public record ReaderBundle(
        long bundleVersion,
        long issuedAtEpochSecond,
        long expiresAtEpochSecond,
        String readerId,
        DoorSettings door,
        OfflineMode offlineMode,
        List<TrustedKey> trustedKeys,
        List<CredentialView> credentials,
        List<CredentialId> revoked,
        List<AccessRule> rules,
        List<MintingKey> mintingKeys,
        List<BundlePass> passes) {

    /** The largest count stored in a one-byte field (trusted keys, minting keys, roles, windows). */
    public static final int MAX_BYTE_COUNT = 255;

    /**
     * @throws NullPointerException if a reference is null, or a list contains null
     * @throws IllegalArgumentException naming the field and the value when a range or count is violated,
     *     or an id is duplicated
     */
    public ReaderBundle {
        if (bundleVersion < 1) {
            throw new IllegalArgumentException("bundle: version must be 1 or more, got " + bundleVersion);
        }
        if (issuedAtEpochSecond < 0) {
            throw new IllegalArgumentException("bundle: issuedAt must be 0 or more, got " + issuedAtEpochSecond);
        }
        if (expiresAtEpochSecond < issuedAtEpochSecond) {
            throw new IllegalArgumentException("bundle: expiresAt " + expiresAtEpochSecond
                    + " is before issuedAt " + issuedAtEpochSecond);
        }
        Objects.requireNonNull(readerId, "readerId");
        if (readerId.isBlank()) {
            throw new IllegalArgumentException("bundle: readerId must not be blank");
        }
        Objects.requireNonNull(door, "door");
        Objects.requireNonNull(offlineMode, "offlineMode");
        trustedKeys = List.copyOf(trustedKeys);
        credentials = List.copyOf(credentials);
        revoked = List.copyOf(revoked);
        rules = List.copyOf(rules);
        mintingKeys = List.copyOf(mintingKeys);
        passes = List.copyOf(passes);
        checkTrustedKeys(trustedKeys);
        checkMintingKeys(mintingKeys);
        checkCredentials(credentials);
        for (AccessRule rule : rules) {
            checkRule(rule);
        }
        checkPasses(passes);
    }

    /**
     * A bundle without visitor passes, as a {@code GHB1} or {@code GHB2} bundle is.
     *
     * @throws NullPointerException if a reference is null, or a list contains null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ReaderBundle(long bundleVersion, long issuedAtEpochSecond, long expiresAtEpochSecond, String readerId,
            DoorSettings door, OfflineMode offlineMode, List<TrustedKey> trustedKeys, List<CredentialView> credentials,
            List<CredentialId> revoked, List<AccessRule> rules, List<MintingKey> mintingKeys) {
        this(bundleVersion, issuedAtEpochSecond, expiresAtEpochSecond, readerId, door, offlineMode, trustedKeys,
                credentials, revoked, rules, mintingKeys, List.of());
    }

    private static void checkPasses(List<BundlePass> passes) {
        Set<String> digests = new HashSet<>(passes.size() * 2);
        Set<String> visitors = new HashSet<>(passes.size() * 2);
        for (BundlePass pass : passes) {
            if (!digests.add(pass.digestHex())) {
                throw new IllegalArgumentException("bundle: two passes have the handle digest " + pass.digestHex());
            }
            if (!visitors.add(pass.visitorId())) {
                throw new IllegalArgumentException("bundle: visitor " + pass.visitorId() + " has two passes");
            }
        }
    }

    private static void checkTrustedKeys(List<TrustedKey> keys) {
        if (keys.isEmpty() || keys.size() > MAX_BYTE_COUNT) {
            throw new IllegalArgumentException("bundle: expected 1.." + MAX_BYTE_COUNT + " trusted keys, got "
                    + keys.size() + (keys.isEmpty() ? " (the reader could accept no later bundle)" : ""));
        }
        Set<String> ids = new HashSet<>();
        for (TrustedKey key : keys) {
            if (!ids.add(key.keyId())) {
                throw new IllegalArgumentException("bundle: trusted key id '" + key.keyId() + "' appears twice");
            }
        }
    }

    /**
     * A bundle without minting keys, for a door where no minted proof is valid.
     *
     * @throws NullPointerException if a reference is null, or a list contains null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ReaderBundle(long bundleVersion, long issuedAtEpochSecond, long expiresAtEpochSecond, String readerId,
            DoorSettings door, OfflineMode offlineMode, List<TrustedKey> trustedKeys, List<CredentialView> credentials,
            List<CredentialId> revoked, List<AccessRule> rules) {
        this(bundleVersion, issuedAtEpochSecond, expiresAtEpochSecond, readerId, door, offlineMode, trustedKeys,
                credentials, revoked, rules, List.of(), List.of());
    }

    private static void checkMintingKeys(List<MintingKey> keys) {
        if (keys.size() > MAX_BYTE_COUNT) {
            throw new IllegalArgumentException("bundle: expected at most " + MAX_BYTE_COUNT + " minting keys, got "
                    + keys.size());
        }
        Set<Integer> ids = new HashSet<>();
        for (MintingKey key : keys) {
            if (!ids.add(key.keyId())) {
                throw new IllegalArgumentException("bundle: minting key id " + key.keyId() + " appears twice");
            }
        }
    }

    private static void checkCredentials(List<CredentialView> credentials) {
        Set<CredentialId> ids = new HashSet<>(credentials.size() * 2);
        for (CredentialView credential : credentials) {
            if (!ids.add(credential.id())) {
                throw new IllegalArgumentException("bundle: credential " + credential.id() + " appears twice");
            }
            if (credential.roles().size() > MAX_BYTE_COUNT) {
                throw new IllegalArgumentException("bundle: credential " + credential.id() + " has "
                        + credential.roles().size() + " roles, at most " + MAX_BYTE_COUNT + " fit");
            }
        }
    }

    private static void checkRule(AccessRule rule) {
        if (rule.schedule().size() > MAX_BYTE_COUNT) {
            throw new IllegalArgumentException("bundle: a rule of zone " + rule.zoneId() + " has "
                    + rule.schedule().size() + " windows, at most " + MAX_BYTE_COUNT + " fit");
        }
        for (WeeklyWindow window : rule.schedule()) {
            requireWholeMinute(window.from(), rule);
            requireWholeMinute(window.to(), rule);
        }
    }

    private static void requireWholeMinute(LocalTime time, AccessRule rule) {
        if (time.getSecond() != 0 || time.getNano() != 0) {
            throw new IllegalArgumentException("bundle: a window of a rule of zone " + rule.zoneId()
                    + " has time " + time + "; the format stores whole minutes");
        }
    }

    /**
     * Tells whether the bundle is stale at a given time.
     *
     * @param nowEpochSecond the current time from the reader's clock
     * @return true from {@code expiresAtEpochSecond} on
     */
    public boolean isExpiredAt(long nowEpochSecond) {
        return nowEpochSecond >= expiresAtEpochSecond;
    }
}
