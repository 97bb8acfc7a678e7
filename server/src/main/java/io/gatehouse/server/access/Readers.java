package io.gatehouse.server.access;

import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Page;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

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
    private final ReaderSightings sightings;

    public Readers(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.sightings = new ReaderSightings(database, clock);
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
     * The row that records, in the table of reader event ids (migration V5), that the server decided the scan a
     * reader sent under {@code readerEventId}. The reader's own signed copy of this event is later recognised as the
     * same event only when it reports the same decision, reason and credential ({@link #onlineDigest}).
     */
    static ReaderStore.EventClaim onlineDecision(Reader reader, String readerEventId, String decision, String reason,
            String credentialId, long nowMillis) {
        long seq = Long.parseLong(readerEventId.substring(reader.id().length() + 1));
        return new ReaderStore.EventClaim(reader.storedEventId(readerEventId), reader.id(), reader.generation(), seq,
                "online", onlineDigest(decision, reason, credentialId), nowMillis);
    }

    /** What an online decision and the reader's record of it must agree on. */
    public static byte[] onlineDigest(String decision, String reason, String credentialId) {
        StringBuilder text = new StringBuilder("online");
        for (String value : new String[] {decision, reason, credentialId}) {
            text.append('|').append(value == null ? "-" : value.length() + ":" + value);
        }
        return Ids.sha256(text.toString());
    }

    /** What an admin posts to create a reader. */
    public record NewReader(String doorId, String name) {
        public NewReader {
            Fields.required("doorId", doorId, "a string");
            Fields.required("name", name, "a string");
        }
    }

    /** A reader just created, with its credential, shown only here. */
    public record Created(String id, String doorId, String name, String credential) {
    }

    /** Creates a reader for a door; the answer holds its credential, shown only here. */
    public Created create(NewReader request, Principal by, ClientInfo client) {
        String name = request.name();
        String doorId = request.doorId();
        if (name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters");
        }
        String id = Ids.newId(random, "rdr");
        return database.inTransaction(tx -> {
            if (!DoorStore.doorExists(tx, doorId)) {
                throw GatehouseException.notFound("door_not_found", "no door with id '" + doorId + "'");
            }
            String secret = Ids.randomBase32(random, 32);
            ReaderStore.insert(tx, id, doorId, name, Ids.sha256(secret), clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "reader.create", client).subject("reader:" + id)
                    .detail("door", doorId).detail("name", name).success());
            return new Created(id, doorId, name, PREFIX + id + "_" + secret);
        });
    }

    public void revoke(String readerId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (!ReaderStore.revoke(tx, readerId, clock.millis())) {
                throw GatehouseException.notFound("reader_not_found", "no active reader with id '" + readerId + "'");
            }
            // A provisioning token issued before the revocation must not bring the reader back.
            ReaderStore.supersedeProvisioning(tx, readerId, clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "reader.revoke", client).subject("reader:" + readerId)
                    .success());
            return null;
        });
    }

    /** What a change to a reader may hold. */
    public record ReaderPatch(String name) {
        public ReaderPatch {
            if (name != null && (name.isBlank() || name.length() > 100)) {
                throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters");
            }
        }
    }

    /** One page of readers by name, with their status. */
    public Page.Slice<ReaderHealth.View> list(Page page, ReaderStore.ReaderFilter filter) {
        long now = clock.millis();
        Page.Slice<ReaderStore.Stored> slice = page.slice(database.read(tx -> ReaderStore.page(tx, page, filter,
                now)));
        return new Page.Slice<>(slice.items().stream().map(reader -> ReaderHealth.view(reader, now)).toList(),
                slice.next());
    }

    public ReaderHealth.View get(String readerId) {
        return ReaderHealth.view(database.read(tx -> require(tx, readerId)), clock.millis());
    }

    public ReaderHealth.View update(String readerId, ReaderPatch patch, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            ReaderStore.Stored before = require(tx, readerId);
            if (patch.name() != null && !patch.name().equals(before.name())) {
                ReaderStore.rename(tx, readerId, patch.name());
                audit.append(tx, AuditEvent.of(by.actor(), "reader.update", client).subject("reader:" + readerId)
                        .detail("changes", Map.of("name", new SiteEdits.Change(before.name(),
                                patch.name()))).success());
            }
            return ReaderHealth.view(require(tx, readerId), clock.millis());
        });
    }

    /**
     * Decommissions a reader: its credential stops working at once and it is gone from the lists; the audit keeps
     * the records of its scans and of the events it uploaded. Events still queued on an active reader are lost with
     * it, so a reader that reported pending events is only deleted with {@code force}; revoke it instead to keep it
     * listed, or let it upload first.
     */
    public void delete(String readerId, boolean force, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            ReaderStore.Stored reader = require(tx, readerId);
            long pending = reader.pendingEvents() == null ? 0 : reader.pendingEvents();
            if (pending > 0 && "active".equals(reader.status()) && !force) {
                throw new GatehouseException(GatehouseException.Kind.CONFLICT, "events_pending", "reader '"
                        + readerId + "' reported " + pending + " event(s) not uploaded yet, which deleting it loses;"
                        + " let it upload them, or delete it with force=true", Map.of("pendingEvents",
                        pending));
            }
            ReaderStore.delete(tx, readerId);
            audit.append(tx, AuditEvent.of(by.actor(), "reader.delete", client).subject("reader:" + readerId)
                    .detail("doorId", reader.doorId()).detail("name", reader.name())
                    .detail("status", reader.status()).detail("uploadedEventSeq", reader.eventSeq())
                    .detail("pendingEvents", reader.pendingEvents()).detail("forced", force && pending > 0)
                    .success());
            return null;
        });
    }

    /** Notes an authenticated call of the reader; written with others once a minute ({@link ReaderSightings}). */
    public void seen(String readerId, OptionalLong pendingEvents) {
        sightings.seen(readerId, pendingEvents);
    }

    /** Writes the sightings noted since the last run; for the background task. */
    public int writeSightings() {
        return sightings.flush();
    }

    private static ReaderStore.Stored require(ReadTx tx, String readerId) {
        return ReaderStore.stored(tx, readerId).orElseThrow(() -> GatehouseException.notFound("reader_not_found",
                "no reader with id '" + readerId + "'"));
    }

    /**
     * The active reader whose credential {@code presented} is.
     *
     * @throws GatehouseException 401 {@code invalid_token} or {@code reader_revoked}
     */
    public Reader authenticate(PrefixedSecret presented) {
        return database.read(tx -> authenticate(ReaderStore.credential(tx, presented.id()), presented));
    }

    /**
     * Checks {@code presented} against the reader row read for its id, for a caller that read the row with more.
     *
     * @throws GatehouseException 401 {@code invalid_token} or {@code reader_revoked}
     */
    static Reader authenticate(Optional<ReaderStore.StoredCredential> stored, PrefixedSecret presented) {
        // 1. A reader with this id exists and the secret's hash matches its stored hash (in constant time).
        if (stored.isEmpty() || !presented.matches(stored.get().secretHash())) {
            throw GatehouseException.unauthenticated("invalid_token", "the reader credential is unknown or wrong");
        }
        // 2. The reader is not revoked.
        ReaderStore.StoredCredential reader = stored.get();
        if (!reader.active()) {
            throw GatehouseException.unauthenticated("reader_revoked", "reader '" + reader.id()
                    + "' has been revoked");
        }
        return new Reader(reader.id(), reader.doorId(), reader.name(), reader.generation());
    }
}
