package io.gatehouse.server.audit;

import io.gatehouse.server.db.Database;
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
}
