package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The tables of the auth feature: {@code api_tokens} and {@code bootstrap_links}. */
final class TokenStore {
    private TokenStore() {
    }

    /** An unrevoked token as stored: the secret only as its SHA-256; {@code expiresAt} null when it never does. */
    record ActiveToken(String id, String name, byte[] secretHash, Set<Scope> scopes, Long expiresAt) {
    }

    /** A token as an admin lists it; {@code revokedAt} null unless revoked, {@code expiresAt} if it never expires. */
    record Listed(String id, String name, Set<Scope> scopes, String createdBy, long createdAt, Long revokedAt,
            Long expiresAt) {
    }

    /** Which tokens a list asks for, judged at {@code now}. */
    enum Status {
        ACTIVE(" WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"),
        REVOKED(" WHERE revoked_at IS NOT NULL"),
        /** Expired and not revoked: a token revoked before or after it expired lists as revoked. */
        EXPIRED(" WHERE revoked_at IS NULL AND expires_at <= ?");

        private final String where;

        Status(String where) {
            this.where = where;
        }
    }

    /** A bootstrap link as stored; {@code ended} once used, replaced or ended because an admin exists. */
    record Link(String id, byte[] secretHash, long expiresAt, boolean ended, String endReason) {
    }

    static void insertToken(Tx tx, String id, String name, byte[] secretHash, Set<Scope> scopes, String createdBy,
            long now, Long expiresAt) {
        tx.update("INSERT INTO api_tokens (id, name, secret_hash, scopes, created_by, created_at, expires_at) VALUES"
                + " (?, ?, ?, ?, ?, ?, ?)", id, name, secretHash, scopeText(scopes), createdBy, now, expiresAt);
    }

    static Optional<ActiveToken> activeToken(ReadTx tx, String id) {
        return tx.queryOne("SELECT id, name, secret_hash, scopes, expires_at FROM api_tokens WHERE id = ?"
                + " AND revoked_at IS NULL", rs -> new ActiveToken(rs.getString(1), rs.getString(2), rs.getBytes(3),
                        scopes(rs.getString(4)), nullableLong(rs, 5)), id);
    }

    /** Marks the token revoked; false when no active token has that id. */
    static boolean revoke(Tx tx, String id, long now) {
        return tx.update("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id) > 0;
    }

    /** One page of tokens by creation time, of one status at {@code now} if given. */
    static Page.Slice<Listed> list(ReadTx tx, Page page, Optional<Status> status, long now) {
        List<Object> args = new ArrayList<>();
        String where = status.map(s -> s.where).orElse("");
        if (where.contains("?")) {
            args.add(now);
        }
        String sql = "SELECT id, name, scopes, created_by, created_at, revoked_at, expires_at FROM api_tokens" + where
                + page.sql("created_at", true, "id", !where.isEmpty(), args);
        return page.slice(tx.query(sql, rs -> {
            Listed token = listed(rs);
            return new Page.Keyed<>(token, token.createdAt(), token.id());
        }, args.toArray()));
    }

    private static Listed listed(ResultSet rs) throws SQLException {
        return new Listed(rs.getString("id"), rs.getString("name"), scopes(rs.getString("scopes")),
                rs.getString("created_by"), rs.getLong("created_at"), nullableLong(rs, 6), nullableLong(rs, 7));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** True when an admin token works at {@code now}: neither revoked nor expired. */
    static boolean adminExists(ReadTx tx, long now) {
        // scopes holds space-separated codes; padding both ends matches the whole code "admin" and nothing else.
        return tx.queryLong("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR"
                + " expires_at > ?) AND (' ' || scopes || ' ') LIKE ?", now, "% " + Scope.ADMIN.code() + " %") > 0;
    }

    static String scopeText(Set<Scope> scopes) {
        return scopes.stream().map(Scope::code).sorted().collect(Collectors.joining(" "));
    }

    /** The stored scope codes; a code this server does not know means the row was not written by it. */
    private static Set<Scope> scopes(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String code : text.split(" ")) {
            scopes.add(Scope.parse(code).orElseThrow(() -> GatehouseException.corrupt("api_tokens.scopes holds the"
                    + " unknown scope '" + code + "'", null)));
        }
        return scopes;
    }

    // ----- bootstrap_links -----

    /** Ends every unused link as replaced and stores a new one. */
    static void replaceLinks(Tx tx, String id, byte[] secretHash, long now, long expiresAt) {
        tx.update("UPDATE bootstrap_links SET used_at = ?, end_reason = 'replaced' WHERE used_at IS NULL", now);
        tx.update("INSERT INTO bootstrap_links (id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                id, secretHash, now, expiresAt);
    }

    /** The ids of unused links, locked until the transaction ends. */
    static List<String> lockUnusedLinks(Tx tx) {
        return tx.query("SELECT id FROM bootstrap_links WHERE used_at IS NULL" + tx.dialect().forUpdate(),
                rs -> rs.getString(1));
    }

    /** Ends the link if it is still unused; false when something else ended it first. */
    static boolean endLink(Tx tx, String id, String reason, long now) {
        return tx.update("UPDATE bootstrap_links SET used_at = ?, end_reason = ? WHERE id = ? AND used_at IS NULL",
                now, reason, id) > 0;
    }

    static void setEndReason(Tx tx, String id, String reason) {
        tx.update("UPDATE bootstrap_links SET end_reason = ? WHERE id = ?", reason, id);
    }

    static List<Link> links(ReadTx tx) {
        return tx.query("SELECT id, secret_hash, expires_at, used_at, end_reason FROM bootstrap_links",
                rs -> new Link(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getObject(4) != null,
                        rs.getString(5)));
    }
}
