package io.gatehouse.protocol.bundle;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialDirectory;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.MintingKeyDirectory;
import io.gatehouse.protocol.access.RuleSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The lookups {@link io.gatehouse.protocol.access.AccessVerifier} needs offline, answered from a verified
 * bundle. Built once per accepted bundle; immutable and thread-safe.
 *
 * <p>A credential whose id is on the revocation list is returned with {@code credentialActive = false},
 * so the verifier denies it as {@code revoked}; a revoked id that the bundle does not otherwise list is
 * simply unknown ({@code unknown_credential}). Both deny.
 */
public final class BundleDirectory implements CredentialDirectory, RuleSource, MintingKeyDirectory {

    private final ReaderBundle bundle;
    private final Map<CredentialId, CredentialView> credentials;
    private final Map<String, List<AccessRule>> rulesByZone;
    private final MintingKeyDirectory mintingKeys;

    /**
     * Indexes a bundle. Call it only with a bundle that {@link BundleVerifier} accepted.
     *
     * @param bundle the verified bundle; not null
     * @throws NullPointerException if {@code bundle} is null
     */
    public BundleDirectory(ReaderBundle bundle) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        Set<CredentialId> revoked = new HashSet<>(bundle.revoked());
        Map<CredentialId, CredentialView> byId = new HashMap<>(bundle.credentials().size() * 4 / 3 + 1);
        for (CredentialView credential : bundle.credentials()) {
            CredentialView view = revoked.contains(credential.id()) ? credential.withCredentialActive(false)
                    : credential;
            byId.put(view.id(), view);
        }
        this.credentials = byId;
        this.rulesByZone = bundle.rules().stream()
                .collect(Collectors.groupingBy(AccessRule::zoneId, Collectors.toUnmodifiableList()));
        this.mintingKeys = MintingKeyDirectory.of(bundle.mintingKeys());
    }

    /**
     * Finds a credential in the bundle.
     *
     * @param id the credential id; not null
     * @return the credential (inactive if revoked), or empty if the bundle does not list it; never null
     * @throws NullPointerException if {@code id} is null
     */
    @Override
    public Optional<CredentialView> find(CredentialId id) {
        return Optional.ofNullable(credentials.get(Objects.requireNonNull(id, "id")));
    }

    /**
     * Returns the bundle's rules for a zone.
     *
     * @param zoneId the zone; not null
     * @return the rules, possibly empty, never null, unmodifiable
     * @throws NullPointerException if {@code zoneId} is null
     */
    @Override
    public List<AccessRule> rulesForZone(String zoneId) {
        return rulesByZone.getOrDefault(Objects.requireNonNull(zoneId, "zoneId"), List.of());
    }

    /**
     * Finds a minting key the bundle publishes.
     *
     * @param keyId the id a minted proof names
     * @return the key, or empty if the bundle does not list it; never null
     */
    @Override
    public Optional<MintingKey> find(int keyId) {
        return mintingKeys.find(keyId);
    }

    /**
     * Returns the settings of the reader's door.
     *
     * @return the settings, never null
     */
    public DoorSettings doorSettings() {
        return bundle.door();
    }

    /**
     * Returns the bundle this directory was built from.
     *
     * @return the bundle, never null
     */
    public ReaderBundle bundle() {
        return bundle;
    }

    /**
     * Returns how many credentials the directory knows.
     *
     * @return 0 or more
     */
    public int size() {
        return credentials.size();
    }
}
