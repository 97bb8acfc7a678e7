package io.gatehouse.server.audit;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.Database;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes the records matching a filter as a file, newest first, one page of {@link #PAGE} records read at a time:
 * an export of millions of records holds one page in memory. Every export is audited ({@code audit.export}, with
 * its format and filter) before its first byte is written.
 */
public final class AuditExport {
    static final int PAGE = 1_000;
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final List<String> COLUMNS = List.of("id", "eventId", "time", "actor", "action", "user", "subject",
            "result", "reason", "clientAddress", "userAgent", "mode", "details", "chainPosition");

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public AuditExport(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** The file formats: CSV (RFC 4180, with a header row) or JSON Lines (one record object per line). */
    public enum Format {
        CSV("csv", "text/csv; charset=utf-8"),
        JSON("json", "application/x-ndjson; charset=utf-8");

        private final String code;
        private final String mediaType;

        Format(String code, String mediaType) {
            this.code = code;
            this.mediaType = mediaType;
        }

        public String code() {
            return code;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    /** An export about to be written: the file name to offer. */
    public record Started(String fileName) {
    }

    /** Records the export in the audit log; call before {@link #write}. */
    public Started start(String actor, ClientInfo client, AuditFilter filter, Format format) {
        database.inTransaction(tx -> audit.append(tx, AuditEvent.of(actor, "audit.export", client)
                .detail("format", format.code()).detail("filter", filter.described()).success()));
        String extension = format == Format.CSV ? "csv" : "jsonl";
        return new Started("gatehouse-audit-" + FILE_TIME.format(clock.instant()) + "." + extension);
    }

    /**
     * Writes every record {@code filter} matches to {@code out}, page by page; only the CSV header when there is no
     * filter (it named a username nobody has).
     */
    public void write(Optional<AuditFilter> filter, Format format, OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        if (format == Format.CSV) {
            row(writer, COLUMNS);
        }
        if (filter.isPresent()) {
            writeRecords(filter.get(), format, writer);
        }
        writer.flush();
    }

    private void writeRecords(AuditFilter filter, Format format, Writer writer) throws IOException {
        long before = Long.MAX_VALUE;
        while (true) {
            long cursor = before;
            List<StoredRecord> page = database.read(tx -> AuditStore.newestFirst(tx, filter, cursor, PAGE));
            for (StoredRecord record : page) {
                RecordView view = RecordView.of(record);
                if (format == Format.CSV) {
                    row(writer, cells(view));
                } else {
                    writer.write(Json.write(view));
                    writer.write('\n');
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            before = page.get(page.size() - 1).id();
        }
    }

    private static List<String> cells(RecordView view) {
        List<String> cells = new ArrayList<>(COLUMNS.size());
        cells.add(Long.toString(view.id()));
        cells.add(view.eventId());
        cells.add(view.time());
        cells.add(view.actor());
        cells.add(view.action());
        cells.add(view.user());
        cells.add(view.subject());
        cells.add(view.result());
        cells.add(view.reason());
        cells.add(view.clientAddress());
        cells.add(view.userAgent());
        cells.add(view.mode());
        cells.add(view.details() == null ? null : Json.write(view.details()));
        cells.add(view.chainPosition() == null ? null : Long.toString(view.chainPosition()));
        return cells;
    }

    private static void row(Writer writer, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                writer.write(',');
            }
            writer.write(csvCell(cells.get(i)));
        }
        writer.write("\r\n");
    }

    /**
     * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. A field a
     * spreadsheet would run as a formula (one starting with {@code = + - @}, a tab or a carriage return: an audit
     * record holds text that others chose, such as user agents and usernames) gets a leading single quote, so that
     * it is shown as text. The exact text stays in the JSON export.
     */
    static String csvCell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
