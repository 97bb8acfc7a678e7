package io.gatehouse.server.user;

import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;

/**
 * A person's door devices as the admin's view of one user shows them, so that one request answers what a page
 * about the person needs. The device feature answers; the composition root hands it in, like {@link SecondFactors},
 * because devices depend on users.
 */
@FunctionalInterface
public interface PersonDevices {
    /** At most {@code limit} of the user's devices, revoked ones included, in enrollment order. */
    List<Summary> of(ReadTx tx, String userId, int limit);

    /**
     * @param kind {@code device_key} or {@code passkey}
     * @param trust the device's trust level code
     * @param lastUsedAt null when never used
     */
    record Summary(String id, String kind, String trust, boolean active, String model, Instant createdAt,
            Instant lastUsedAt) {
    }
}
