package io.gatehouse.protocol.access;

import java.util.List;

/**
 * Supplies the access rules of a zone: the server's policy tables online, the reader's bundle offline.
 */
@FunctionalInterface
public interface RuleSource {

    /**
     * Returns the rules of a zone.
     *
     * @param zoneId the zone; not null
     * @return the rules, possibly empty, never null; rules of other zones are ignored by the verifier
     * @throws RuntimeException if the lookup fails; the verifier lets it propagate
     */
    List<AccessRule> rulesForZone(String zoneId);
}
