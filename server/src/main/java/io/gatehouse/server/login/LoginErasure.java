package io.gatehouse.server.login;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.PersonalData;
import java.util.Map;

/** A deleted person's answered login requests: the browsers and networks they signed in from. */
public final class LoginErasure implements PersonalData {
    @Override
    public Map<String, Integer> erase(Tx tx, String userId) {
        return Map.of("loginRequests", LoginRequestStore.deleteAllOfUser(tx, userId));
    }
}
