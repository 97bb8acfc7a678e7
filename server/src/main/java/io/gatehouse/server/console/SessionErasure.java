package io.gatehouse.server.console;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.PersonalData;
import java.util.Map;

/**
 * A deleted person's console sessions, open or ended: deleting the rows ends the open ones at once (the cookie then
 * names no session) and erases the addresses and browsers they were used from.
 */
public final class SessionErasure implements PersonalData {
    @Override
    public Map<String, Integer> erase(Tx tx, String userId) {
        return Map.of("consoleSessions", SessionStore.deleteAllOfUser(tx, userId));
    }
}
