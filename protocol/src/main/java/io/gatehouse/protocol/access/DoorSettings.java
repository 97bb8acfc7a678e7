package io.gatehouse.protocol.access;

import java.time.ZoneId;
import java.util.Objects;

/**
 * A door's verification settings.
 *
 * @param doorId the door; not null or blank
 * @param zoneId the zone the door opens into, whose rules apply; not null or blank
 * @param siteTimeZone the time zone the door's schedules are written in; not null
 * @param proofLifetimeSeconds how long a proof stays valid after it is issued, in seconds; 1 or more
 * @param allowedSkewSeconds how far the device's clock may be off, in seconds, either way; 0 or more
 * @param requireUserVerification whether the proof must carry the UV flag
 * @param minimumTrust the weakest device trust the door accepts; not null
 */
public record DoorSettings(
        String doorId,
        String zoneId,
        ZoneId siteTimeZone,
        int proofLifetimeSeconds,
        int allowedSkewSeconds,
        boolean requireUserVerification,
        DeviceTrust minimumTrust) {

    /**
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if an id is blank, the lifetime is below 1 or the skew below 0
     */
    public DoorSettings {
        requireNonBlank(doorId, "doorId");
        requireNonBlank(zoneId, "zoneId");
        Objects.requireNonNull(siteTimeZone, "siteTimeZone");
        if (proofLifetimeSeconds < 1) {
            throw new IllegalArgumentException("door " + doorId + ": proof lifetime must be at least 1 s, got "
                    + proofLifetimeSeconds);
        }
        if (allowedSkewSeconds < 0) {
            throw new IllegalArgumentException("door " + doorId + ": allowed skew must be at least 0 s, got "
                    + allowedSkewSeconds);
        }
        Objects.requireNonNull(minimumTrust, "minimumTrust");
    }

    private static void requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
