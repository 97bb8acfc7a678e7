package io.gatehouse.protocol.access;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Looks the server's public minting keys up by the key id a minted proof carries: the server's key table
 * online, the reader's signed bundle offline.
 */
@FunctionalInterface
public interface MintingKeyDirectory {

    /** A directory with no keys: every minted proof names an unknown key. */
    MintingKeyDirectory NONE = keyId -> Optional.empty();

    /**
     * Finds a minting key.
     *
     * @param keyId the id from the proof; 1..255
     * @return the key, or empty if no published key has this id; never null
     * @throws RuntimeException if the lookup fails; the verifier lets it propagate
     */
    Optional<MintingKey> find(int keyId);

    /**
     * A directory over a fixed set of keys.
     *
     * @param keys the keys; not null, distinct ids
     * @return the directory, never null
     * @throws IllegalArgumentException if two keys share an id
     */
    static MintingKeyDirectory of(Collection<MintingKey> keys) {
        Map<Integer, MintingKey> byId = Objects.requireNonNull(keys, "keys").stream()
                .collect(Collectors.toUnmodifiableMap(MintingKey::keyId, Function.identity(), (a, b) -> {
                    throw new IllegalArgumentException("minting key id " + a.keyId() + " appears twice");
                }));
        return keyId -> Optional.ofNullable(byId.get(keyId));
    }
}
