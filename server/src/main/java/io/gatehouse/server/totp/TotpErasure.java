package io.gatehouse.server.totp;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.PersonalData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deleted person's second factors: credentials (with their seeds), recovery codes, enrollment links, and the
 * throttle rows that remember their failures and the sources they came from. Open rejection windows go without
 * their summary record: nobody is left to be locked out.
 */
public final class TotpErasure implements PersonalData {
    private final TotpStore credentials = new TotpStore();
    private final EnrollmentStore enrollments = new EnrollmentStore();
    private final ThrottleStore throttles = new ThrottleStore();

    @Override
    public Map<String, Integer> erase(Tx tx, String userId) {
        Map<String, Integer> erased = new LinkedHashMap<>();
        erased.put("totpCredentials", credentials.deleteCredentials(tx, userId));
        erased.put("recoveryCodes", credentials.deleteRecoveryCodes(tx, userId));
        erased.put("totpEnrollments", enrollments.deleteAll(tx, userId));
        erased.put("throttleSources", throttles.deleteSources(tx, userId));
        throttles.deleteWindows(tx, userId);
        return erased;
    }
}
