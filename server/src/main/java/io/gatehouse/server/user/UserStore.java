package io.gatehouse.server.user;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The tables of users: {@code users} and {@code user_roles}, and the pending enrollment links that end with a
 * user's suspension (see {@link PendingLinks}).
 */
final class UserStore {
    private UserStore() {
    }

    /** A user's lockout after failed second-factor attempts; {@code lockedUntil} is null when not locked. */
    record LockState(int consecutiveFailures, Long lockedUntil) {
    }

    /** Tables of enrollment links that a user's suspension ends, with what ending one of them erases. */
    enum LinkTable {
        TOTP_ENROLLMENTS("totp_enrollments", ", secret_ciphertext = NULL"),
        DEVICE_ENROLLMENTS("device_enrollments", "");

        private final String table;
        private final String erase;

        LinkTable(String table, String erase) {
            this.table = table;
            this.erase = erase;
        }
    }

    static void insert(Tx tx, String id, Username name, Collection<String> roles, long now) {
        tx.update("INSERT INTO users (id, username, username_key, status, created_at, updated_at) VALUES (?, ?, ?,"
                + " 'active', ?, ?)", id, name.display(), name.key(), now, now);
        insertRoles(tx, id, roles);
    }

    static void replaceRoles(Tx tx, String userId, Collection<String> roles, long now) {
        tx.update("DELETE FROM user_roles WHERE user_id = ?", userId);
        insertRoles(tx, userId, roles);
        tx.update("UPDATE users SET updated_at = ? WHERE id = ?", now, userId);
    }

    private static void insertRoles(Tx tx, String userId, Collection<String> roles) {
        for (String role : roles) {
            tx.update("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", userId, role);
        }
    }

    static void setStatus(Tx tx, String userId, String status, long now) {
        tx.update("UPDATE users SET status = ?, updated_at = ? WHERE id = ?", status, now, userId);
    }

    static Optional<User> find(ReadTx tx, String userId) {
        return tx.queryOne("SELECT id, username, status, created_at FROM users WHERE id = ?",
                rs -> new User(rs.getString(1), rs.getString(2), rs.getString(3), roles(tx, rs.getString(1)),
                        rs.getLong(4)), userId);
    }

    /** The ids of active users holding {@code role}. */
    static List<String> activeIdsWithRole(ReadTx tx, String role) {
        return tx.query("SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ?"
                + " AND u.status = 'active' ORDER BY u.id", rs -> rs.getString(1), role);
    }

    static Optional<String> idByKey(ReadTx tx, String usernameKey) {
        return tx.queryOne("SELECT id FROM users WHERE username_key = ?", rs -> rs.getString(1), usernameKey);
    }

    /** Locks the user's row until the transaction ends; false when there is no such user. */
    static boolean lock(Tx tx, String userId) {
        return tx.queryOne("SELECT id FROM users WHERE id = ?" + tx.dialect().forUpdate(), rs -> rs.getString(1),
                userId).isPresent();
    }

    /** Ids of at most {@code limit} users that {@code filter} selects, by username, after {@code afterUsername}. */
    static List<String> idsByUsername(ReadTx tx, int limit, String afterUsername, UserFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT id FROM users WHERE username > ?");
        List<Object> args = new ArrayList<>(List.of(afterUsername));
        filter.namePrefix().ifPresent(prefix -> {
            if (tx.dialect() == Dialect.SQLITE) {
                // Bytewise comparison: the keys with this prefix are exactly those from it up to it followed by a
                // character above the whole (ASCII) alphabet.
                sql.append(" AND username_key >= ? AND username_key < ?");
                args.add(prefix);
                args.add(prefix + '\u007f');
            } else {
                sql.append(" AND username_key LIKE ? ESCAPE '!'");
                args.add(prefix.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "%");
            }
        });
        filter.role().ifPresent(role -> {
            sql.append(" AND id IN (SELECT user_id FROM user_roles WHERE role = ?)");
            args.add(role);
        });
        filter.status().ifPresent(status -> {
            sql.append(" AND status = ?");
            args.add(status);
        });
        args.add(limit);
        return tx.query(sql + " ORDER BY username LIMIT ?", rs -> rs.getString(1), args.toArray());
    }

    /** Deletes the user's row and roles; false when there is no such user. */
    static boolean delete(Tx tx, String userId) {
        tx.update("DELETE FROM user_roles WHERE user_id = ?", userId);
        return tx.update("DELETE FROM users WHERE id = ?", userId) == 1;
    }


    /** The user's roles; a stored name this server would refuse means the row was altered behind its back. */
    static Set<String> roles(ReadTx tx, String userId) {
        return new HashSet<>(tx.query("SELECT role FROM user_roles WHERE user_id = ?", rs -> {
            String role = rs.getString(1);
            if (!Roles.isValid(role)) {
                throw GatehouseException.corrupt("user_roles holds the invalid role name '" + role + "' for user '"
                        + userId + "'", null);
            }
            return role;
        }, userId));
    }

    static Optional<LockState> lockState(ReadTx tx, String userId) {
        return tx.queryOne("SELECT failed_attempts, locked_until FROM users WHERE id = ?", rs -> {
            int failures = rs.getInt(1);
            long until = rs.getLong(2);
            return new LockState(failures, rs.wasNull() ? null : until);
        }, userId);
    }

    /** Ids of the user's pending links in {@code links}, locked until the transaction ends. */
    static List<String> lockPendingLinks(Tx tx, LinkTable links, String userId) {
        return tx.query("SELECT id FROM " + links.table + " WHERE user_id = ? AND status = 'pending'"
                + tx.dialect().forUpdate(), rs -> rs.getString(1), userId);
    }

    /** Revokes the link if it is still pending, erasing what it held; false when it had ended meanwhile. */
    static boolean revokePendingLink(Tx tx, LinkTable links, String id, long now) {
        return tx.update("UPDATE " + links.table + " SET status = 'revoked'" + links.erase + ", ended_at = ? WHERE"
                + " id = ? AND status = 'pending'", now, id) > 0;
    }
}
