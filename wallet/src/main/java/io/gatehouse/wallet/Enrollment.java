package io.gatehouse.wallet;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import java.net.URI;
import java.util.Objects;

/**
 * What the server answered to a successful enrollment.
 *
 * @param credentialId the id of the new credential; not null
 * @param deviceId the id the server gave the device; not null
 * @param trust the device trust the server granted; not null
 * @param serverBaseUrl the server's {@code scheme://host[:port]}, taken from the enrollment URL; not null
 */
public record Enrollment(CredentialId credentialId, String deviceId, DeviceTrust trust, URI serverBaseUrl) {

    /**
     * @throws NullPointerException if an argument is null
     */
    public Enrollment {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(serverBaseUrl, "serverBaseUrl");
    }
}
