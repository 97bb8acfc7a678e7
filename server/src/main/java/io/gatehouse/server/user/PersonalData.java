package io.gatehouse.server.user;

import io.gatehouse.server.db.Tx;
import java.util.Map;

/**
 * What one feature holds about a person, erased when the person is deleted. Every feature that keeps rows about a
 * user hands one to {@link UserService}, through the composition root, because those features depend on users and
 * the user feature may not call them.
 */
@FunctionalInterface
public interface PersonalData {
    /**
     * Deletes the feature's rows about the user, in {@code tx}, which holds the user's row lock and deletes the user
     * row afterwards (so every row that refers to it must go here).
     *
     * @return how many of each kind were deleted, by a name for the audit record of the deletion
     */
    Map<String, Integer> erase(Tx tx, String userId);
}
