package io.gatehouse.server.device;

import io.gatehouse.protocol.access.DeviceTrust;
import java.time.Instant;

/**
 * An enrolled device as stored; {@code active} is false once it is revoked.
 *
 * @param lastUsedAt the last time a door decided one of its proofs or the wallet minted a code for it, to the minute;
 *     null when never
 */
public record Device(String id, String userId, String credentialId, DeviceKind kind, DeviceTrust trust,
        boolean active, String model, String os, String appVersion, Instant createdAt, Instant lastUsedAt) {
}
