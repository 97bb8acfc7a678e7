package io.gatehouse.server.access;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.PersonalData;
import java.util.Map;

/** The access rules that name a deleted person: they could grant nobody else, and they refer to the user row. */
public final class RuleErasure implements PersonalData {
    @Override
    public Map<String, Integer> erase(Tx tx, String userId) {
        return Map.of("accessRules", DoorStore.deleteRulesOfUser(tx, userId));
    }
}
