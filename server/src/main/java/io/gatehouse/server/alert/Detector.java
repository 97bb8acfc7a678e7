package io.gatehouse.server.alert;

import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.util.List;

/**
 * One rule's reading of the audit log. It sees each sealed record once, in chain order, with the settings in force,
 * and may look back through the log (never ahead of the record: a record's alerts depend only on what came before
 * it, so reading the log again gives the same alerts).
 */
interface Detector {
    Rule rule();

    List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings);
}
