package io.gatehouse.server.access;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import java.time.ZoneId;
import java.util.List;

/** A door as stored, with its zone's site time zone: everything a decision at it needs. */
public record Door(String id, String zoneId, String siteId, String name, ZoneId timeZone, int proofLifetimeSeconds,
        int allowedSkewSeconds, boolean requireUserVerification, DeviceTrust minimumTrust, String offlineMode,
        int maxBundleAgeSeconds, boolean requireBoundPass, boolean requireUserVerificationWhenFlagged) {

    /** A door with the access rules of its zone. */
    public record WithRules(Door door, List<AccessRule> rules) {
        public WithRules {
            rules = List.copyOf(rules);
        }
    }

    public DoorSettings settings() {
        return new DoorSettings(id, zoneId, timeZone, proofLifetimeSeconds, allowedSkewSeconds,
                requireUserVerification, minimumTrust);
    }

    /** The door as the API shows it, and as its audit record lists it. */
    public record View(String id, String zoneId, String siteId, String name, int proofLifetimeSeconds,
            int allowedSkewSeconds, boolean requireUserVerification, String minimumDeviceTrust, String offlineMode,
            int maxBundleAgeSeconds, boolean requireBoundPass, boolean requireUserVerificationWhenFlagged) {
    }

    public View view() {
        return new View(id, zoneId, siteId, name, proofLifetimeSeconds, allowedSkewSeconds, requireUserVerification,
                minimumTrust.code(), offlineMode, maxBundleAgeSeconds, requireBoundPass,
                requireUserVerificationWhenFlagged);
    }
}
