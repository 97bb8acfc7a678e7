package io.gatehouse.server.access;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Page;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Door readers and their credentials. A reader is bound to one door and calls the scan endpoint with
 * {@code Authorization: Bearer ghr_<reader id>_<secret>}; the secret is stored as its SHA-256 and compared in
 * constant time. Revoking a reader stops it on its next call.
 */
public final class Readers {
    public static final String PREFIX = "ghr_";

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public Readers(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** An authenticated reader; {@code generation} counts its enrollments (see {@link #storedEventId}). */
    public record Reader(String id, String doorId, String name, int generation) {
        public String actor() {
            return "reader:" + id;
        }

        public String storedEventId(String eventId) {
            return Readers.storedEventId(eventId, generation);
        }
    }

    /**
     * The audit log's event id for a reader's event id ({@code <reader id>/<seq>}). A reader counts from 1 again
     * after re-provisioning, so event ids carry a generation suffix, except those of the first enrollment, which
     * keep the reader's own id (generation 0 is a reader that was never provisioned, only given a credential).
     */
    public static String storedEventId(String eventId, int generation) {
        return generation == 1 ? eventId : eventId + "#g" + generation;
    }

    /**
     * Records that the server decided the scan a reader sent under {@code readerEventId}, in the table of reader
     * event ids (migration V5). The reader's own signed copy of this event is later recognised as the same event
     * only when it reports the same decision, reason and credential ({@link #onlineDigest}).
     */
    public static void recordOnlineDecision(Tx tx, Reader reader, String readerEventId, String decision,
            String reason, String credentialId, long nowMillis) {
        long seq = Long.parseLong(readerEventId.substring(reader.id().length() + 1));
        tx.update("INSERT INTO reader_events (event_id, reader_id, generation, seq, source, digest, created_at)"
                + " VALUES (?, ?, ?, ?, 'online', ?, ?)", reader.storedEventId(readerEventId), reader.id(),
                reader.generation(), seq, onlineDigest(decision, reason, credentialId), nowMillis);
    }

    /** What an online decision and the reader's record of it must agree on. */
    public static byte[] onlineDigest(String decision, String reason, String credentialId) {
        StringBuilder text = new StringBuilder("online");
        for (String value : new String[] {decision, reason, credentialId}) {
            text.append('|').append(value == null ? "-" : value.length() + ":" + value);
        }
        return Ids.sha256(text.toString());
    }

    /** Creates a reader for {@code doorId}; the answer holds its credential, shown only here. */
    public Map<String, Object> create(String doorId, String name, Principal by, ClientInfo client) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters");
        }
        String id = Ids.newId(random, "rdr");
        return database.inTransaction(tx -> {
            SiteAdmin.requireRow(tx, "doors", doorId, "door_not_found", "door");
            String secret = Ids.randomBase32(random, 32);
            tx.update("INSERT INTO readers (id, door_id, name, secret_hash, status, created_at) VALUES (?, ?, ?, ?,"
                    + " 'active', ?)", id, doorId, name, Ids.sha256(secret), clock.millis());
            String credential = PREFIX + id + "_" + secret;
            audit.append(tx, AuditEvent.of(by.actor(), "reader.create", client).subject("reader:" + id)
                    .detail("door", doorId).detail("name", name).success());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("doorId", doorId);
            json.put("name", name);
            json.put("credential", credential);
            return json;
        });
    }

    public void revoke(String readerId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (tx.update("UPDATE readers SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'",
                    clock.millis(), readerId) == 0) {
                throw GatehouseException.notFound("reader_not_found", "no active reader with id '" + readerId + "'");
            }
            // A provisioning token issued before the revocation must not bring the reader back.
            tx.update("UPDATE reader_provisioning SET status = 'superseded', ended_at = ? WHERE reader_id = ? AND"
                    + " status = 'pending'", clock.millis(), readerId);
            audit.append(tx, AuditEvent.of(by.actor(), "reader.revoke", client).subject("reader:" + readerId)
                    .success());
            return null;
        });
    }

    /** One page of readers by name. */
    public Page.Slice<Map<String, Object>> list(Page page) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT id, door_id, name, status FROM readers" + page.sql("name", false, "id", false, args);
        return page.slice(database.read(tx -> tx.query(sql, rs -> new Page.Keyed<>(Map.<String, Object>of("id",
                rs.getString(1), "doorId", rs.getString(2), "name", rs.getString(3), "status", rs.getString(4)),
                rs.getString(3), rs.getString(1)), args.toArray())));
    }

    /**
     * The reader a request comes from.
     *
     * @throws GatehouseException 401 {@code unauthenticated}, {@code invalid_token} or {@code reader_revoked}
     */
    public Reader authenticate(Context ctx) {
        PrefixedSecret presented = presented(ctx);
        return database.read(tx -> authenticate(tx, presented));
    }

    /**
     * The reader credential a request presents, checked for form only; {@link #authenticate(Tx, PrefixedSecret)}
     * then checks it against the database, for a caller that reads more in the same call.
     *
     * @throws GatehouseException 401 {@code unauthenticated} or {@code invalid_token}
     */
    public static PrefixedSecret presented(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GatehouseException.unauthenticated("unauthenticated", "expected 'Authorization: Bearer <reader credential>'");
        }
        return PrefixedSecret.parse(header.substring(7).strip(), PREFIX).orElseThrow(
                () -> GatehouseException.unauthenticated("invalid_token", "the reader credential is malformed"));
    }

    /**
     * The active reader whose credential {@code presented} is.
     *
     * @throws GatehouseException 401 {@code invalid_token} or {@code reader_revoked}
     */
    public static Reader authenticate(ReadTx tx, PrefixedSecret presented) {
        String id = presented.id();
        Optional<Object[]> row = tx.queryOne("SELECT door_id, name, status, secret_hash, generation FROM readers"
                + " WHERE id = ?", rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getBytes(4), rs.getInt(5)}, id);
        if (row.isEmpty() || !presented.matches((byte[]) row.get()[3])) {
            throw GatehouseException.unauthenticated("invalid_token", "the reader credential is unknown or wrong");
        }
        if (!"active".equals(row.get()[2])) {
            throw GatehouseException.unauthenticated("reader_revoked", "reader '" + id + "' has been revoked");
        }
        return new Reader(id, (String) row.get()[0], (String) row.get()[1], (Integer) row.get()[4]);
    }
}
