package io.gatehouse.server.audit;

import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reading the audit trail, newest first, a page at a time: for the API and the console alike. */
public final class AuditTrail {
    private final Database database;

    public AuditTrail(Database database) {
        this.database = database;
    }

    /** A page of records; {@code nextBefore} is null on the last page. */
    public record RecordPage(List<RecordView> records, Long nextBefore) {
        static RecordPage of(List<StoredRecord> records, int limit) {
            return new RecordPage(records.stream().map(RecordView::of).toList(),
                    records.size() == limit ? records.get(records.size() - 1).id() : null);
        }
    }

    /** The records {@code filter} matches with ids below {@code before}; none without a filter (see AuditQuery). */
    public RecordPage page(Optional<AuditFilter> filter, long before, int limit) {
        List<StoredRecord> records = filter.map(present -> database.read(tx -> AuditStore.newestFirst(tx, present,
                before, limit))).orElse(List.of());
        return RecordPage.of(records, limit);
    }

    /**
     * Sealed records after chain position {@code after}, in chain order: the whole log as a stream that a reader
     * can resume from the last position it handled (chain positions are dense and never reused).
     */
    public static List<RecordView> sealedAfter(ReadTx tx, long after, int limit) {
        return AuditStore.linkedAfter(tx, after, limit).stream().map(RecordView::of).toList();
    }

    /**
     * A person's sealed records with one of {@code actions} and {@code result}, created at or after
     * {@code fromMillis} and at or before chain position {@code upTo}, newest first, {@code limit} at most.
     */
    public static List<RecordView> recentOfUser(ReadTx tx, String userId, Collection<String> actions, String result,
            long fromMillis, long upTo, int limit) {
        return AuditStore.recentOfUser(tx, userId, actions, result, fromMillis, upTo, limit).stream()
                .map(RecordView::of).toList();
    }

    /** One address a person's records came from: on how many, and the newest of them (its id and time). */
    public record AddressUse(String address, long records, long newestId, long newestMillis) {
    }

    /**
     * A person's distinct client addresses on sealed records with one of {@code actions} and one of
     * {@code results}, created at or after {@code fromMillis} and at or before chain position {@code upTo}, most
     * recently used first, {@code limit} at most.
     */
    public static List<AddressUse> addressesOfUser(ReadTx tx, String userId, Collection<String> actions,
            Collection<String> results, long fromMillis, long upTo, int limit) {
        return AuditStore.addressesOfUser(tx, userId, actions, results, fromMillis, upTo, limit);
    }

    /**
     * Sealed records of anyone with one of {@code actions} and {@code result}, created at or after {@code fromMillis}
     * and at or before chain position {@code upTo}, newest first, {@code limit} at most.
     */
    public static List<RecordView> recent(ReadTx tx, Collection<String> actions, String result, long fromMillis,
            long upTo, int limit) {
        return AuditStore.recent(tx, actions, result, fromMillis, upTo, limit).stream().map(RecordView::of).toList();
    }

    /**
     * How many sealed records of {@code action} with {@code result} written by {@code actor} were created in
     * {@code [fromMillis, toMillis)}, counting none after chain position {@code upTo}.
     */
    public static long countByActor(ReadTx tx, String action, String result, String actor, long fromMillis,
            long toMillis, long upTo) {
        return AuditStore.countByActor(tx, action, result, actor, fromMillis, toMillis, upTo);
    }

    /** When the log first recorded {@code action} by {@code actor}, if ever. */
    public static Optional<Instant> firstTimeByActor(ReadTx tx, String action, String actor) {
        return AuditStore.firstTimeByActor(tx, action, actor).map(Instant::ofEpochMilli);
    }

    /**
     * How many sealed records of {@code action} with {@code result} about {@code subject} were created in
     * {@code [fromMillis, toMillis)}, counting none after chain position {@code upTo}.
     */
    public static long count(ReadTx tx, String action, String result, String subject, long fromMillis,
            long toMillis, long upTo) {
        return AuditStore.count(tx, action, result, subject, fromMillis, toMillis, upTo);
    }

    /** When the log first recorded {@code action} about {@code subject}, if ever. */
    public static Optional<Instant> firstTime(ReadTx tx, String action, String subject) {
        return AuditStore.firstTime(tx, action, subject).map(Instant::ofEpochMilli);
    }
}
