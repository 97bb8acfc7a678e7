package io.gatehouse.server.device;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.passkey.PasskeyErasure;
import io.gatehouse.server.user.PersonalData;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deleted person's door devices: device keys with their facts and attestations, passkeys, and enrollment links.
 * The rows go rather than being revoked, so the credentials are unknown from the commit on: an online scan is
 * denied {@code unknown_credential}, and the next bundle a reader fetches no longer lists them, which a reader
 * denies the same way.
 */
public final class DeviceErasure implements PersonalData {
    private final Clock clock;

    public DeviceErasure(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Map<String, Integer> erase(Tx tx, String userId) {
        Map<String, Integer> erased = new LinkedHashMap<>();
        erased.put("passkeys", PasskeyErasure.erase(tx, userId, DeviceStore.enrollmentTokenHashes(tx, userId),
                clock.millis()));
        erased.put("devices", DeviceStore.deleteOfUser(tx, userId));
        erased.put("deviceEnrollments", DeviceStore.deleteEnrollmentsOfUser(tx, userId));
        return erased;
    }
}
