package io.gatehouse.server.access;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.device.DeviceCredential;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this server's scan decisions read lately and a scan may use <em>before</em> its transaction, so that step
 * 4's signature verification runs outside SQLite's single write lock without a read of its own: the keys of the
 * devices whose proofs were decided, the minting keys as last read, and the secret hashes of the readers that
 * authenticated.
 *
 * <p>Nothing here decides anything. The decision still reads every row in its transaction and runs every step
 * against what it read there; an early verification is only an answer remembered for exactly one key, message and
 * signature, used when the key read in the transaction is the same key ({@link ScanService}). A stale entry (a key
 * replaced, a minting key retired, a reader revoked) therefore costs a verification inside the transaction, never a
 * wrong answer. The reader's entry is asked first so that a caller who cannot authenticate gets no cryptography
 * done for it outside the transaction: an early verification is only done for a secret that matches (in constant
 * time) the hash an earlier decision read for its reader, while that reader was active.
 */
final class RecentlyRead {
    /** More entries than this empties a map rather than let it grow (rare: one entry per device or reader). */
    static final int MAX_ENTRIES = 65_536;

    private final Map<String, byte[]> readerSecrets = new ConcurrentHashMap<>();
    private final Map<CredentialId, PublicKey> deviceKeys = new ConcurrentHashMap<>();
    private volatile List<MintingKey> mintingKeys = List.of();

    /** Notes a reader row read in a decision: an active reader's hash is kept, any other forgets the reader. */
    void reader(Optional<ReaderStore.StoredCredential> stored, String readerId) {
        if (stored.isPresent() && stored.get().active()) {
            put(readerSecrets, readerId, stored.get().secretHash());
        } else {
            readerSecrets.remove(readerId);
        }
    }

    /** True when {@code presented} matches the hash an earlier decision read for its reader, active then. */
    boolean authenticatedBefore(PrefixedSecret presented) {
        return presented.matches(readerSecrets.get(presented.id()));
    }

    /** Notes a device credential read in a decision: its key, when it is a device key that reads. */
    void device(DeviceCredential credential) {
        if (credential.kind().credentialKind().proofType() != ProofType.DEVICE_SIGNED) {
            return;
        }
        try {
            put(deviceKeys, credential.id(), PublicKeys.fromSpki(credential.publicKey()));
        } catch (IllegalArgumentException unreadable) {
            deviceKeys.remove(credential.id());
        }
    }

    /** Notes the published minting keys as a decision read them. */
    void mintingKeys(List<MintingKey> published) {
        mintingKeys = List.copyOf(published);
    }

    /** The key step 4 would verify {@code proof} with, as read lately; empty when none was read for it. */
    Optional<PublicKey> keyFor(AccessProof proof) {
        if (proof.type() == ProofType.SERVER_MINTED) {
            return mintingKeys.stream().filter(key -> key.keyId() == proof.mintingKeyId())
                    .map(MintingKey::publicKey).findFirst();
        }
        return Optional.ofNullable(deviceKeys.get(proof.credentialId()));
    }

    private static <K, V> void put(Map<K, V> map, K key, V value) {
        if (map.size() >= MAX_ENTRIES && !map.containsKey(key)) {
            map.clear();
        }
        map.put(key, value);
    }
}
