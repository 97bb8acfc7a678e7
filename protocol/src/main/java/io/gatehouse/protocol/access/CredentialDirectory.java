package io.gatehouse.protocol.access;

import java.util.Optional;

/**
 * Looks enrolled credentials up: the server's database online, the reader's signed bundle offline.
 */
@FunctionalInterface
public interface CredentialDirectory {

    /**
     * Finds a credential, revoked or not (the verifier reports revocation itself).
     *
     * @param id the credential id; not null
     * @return the credential, or empty if no credential has this id; never null
     * @throws RuntimeException if the lookup fails; the verifier lets it propagate, and the caller must
     *     then deny (fail closed)
     */
    Optional<CredentialView> find(CredentialId id);
}
