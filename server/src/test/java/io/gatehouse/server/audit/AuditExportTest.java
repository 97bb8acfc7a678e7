package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/audit/export}: every matching record, across many pages, as RFC 4180 CSV (formula cells
 * defused) or JSON Lines, offered as an attachment; and each export is audited with its filter.
 */
@DatabaseTest
class AuditExportTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final int SCANS = AuditExport.PAGE * 2 + 500;

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        List<AuditSeed.Timed> events = new ArrayList<>();
        for (int i = 0; i < SCANS; i++) {
            events.add(new AuditSeed.Timed(T0.plusSeconds(i), AuditSeed.scan("dor_" + (i % 3), "usr_" + i,
                    i % 2 == 0 ? "grant" : "deny", i % 2 == 0 ? null : "revoked")));
        }
        events.add(new AuditSeed.Timed(T0.plusSeconds(SCANS), new AuditEvent("=HYPERLINK(\"http://x\")", "user.create",
                null, "a,b \"c\"\r\nd", "success", "@SUM(A1)", new ClientInfo("-1", "\tagent"), Map.of())));
        AuditSeed.append(server.gatehouse().services().core().database(),
                server.gatehouse().services().core().audit(), events);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void csv_has_a_header_row_and_every_matching_record_across_pages() {
        HttpResult csv = server.get("/api/v1/audit/export?format=csv&action=door.scan");

        assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
        assertThat(csv.contentType()).isEqualTo("text/csv; charset=utf-8");
        assertThat(csv.header("Content-Disposition")).matches("attachment; filename=\"gatehouse-audit-\\d{8}T\\d{6}Z"
                + "\\.csv\"");
        String[] lines = csv.text().split("\r\n");
        assertThat(lines[0]).isEqualTo("id,eventId,time,actor,action,user,subject,result,reason,clientAddress,"
                + "userAgent,mode,details,chainPosition");
        assertThat(lines).hasSize(SCANS + 1);
        assertThat(lines[1]).contains(",door.scan,usr_" + (SCANS - 1) + ",door:dor_" + ((SCANS - 1) % 3) + ",deny,revoked,");
        assertThat(lines[SCANS]).contains(",2026-03-01T10:00:00Z,reader:rdr_test,door.scan,usr_0,door:dor_0,grant,,");
    }

    @Test
    void csv_quotes_per_rfc_4180_and_defuses_formulas() {
        HttpResult csv = server.get("/api/v1/audit/export?action=user.create");

        String[] lines = csv.text().split("\r\n", 2);
        assertThat(lines[1]).contains(",\"'=HYPERLINK(\"\"http://x\"\")\",user.create,,\"a,b \"\"c\"\"\r\nd\","
                + "success,'@SUM(A1),'-1,'\tagent,,,");
    }

    @Test
    void json_is_one_record_per_line_with_the_fields_of_the_query() {
        server.sealAudit();
        HttpResult json = server.get("/api/v1/audit/export?format=json&door=dor_1&result=deny");

        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        assertThat(json.contentType()).isEqualTo("application/x-ndjson; charset=utf-8");
        assertThat(json.header("Content-Disposition")).endsWith(".jsonl\"");
        String[] lines = json.text().split("\n");
        long expected = java.util.stream.IntStream.range(0, SCANS).filter(i -> i % 3 == 1 && i % 2 == 1).count();
        assertThat(lines).hasSize((int) expected);
        JsonNode first = read(lines[0]);
        JsonNode listed = server.get("/api/v1/audit?door=dor_1&result=deny&limit=1").json().get("records").get(0);
        assertThat(first).isEqualTo(listed);
    }

    @Test
    void each_export_is_audited_with_its_format_and_filter() {
        server.get("/api/v1/audit/export?format=json&door=dor_1&from=2026-03-01T10:00:00Z");

        JsonNode record = server.get("/api/v1/audit?action=audit.export").json().get("records").get(0);
        assertThat(record.get("result").asText()).isEqualTo("success");
        assertThat(record.get("details").get("format").asText()).isEqualTo("json");
        assertThat(record.get("details").get("filter")).isEqualTo(read("{\"door\":\"dor_1\","
                + "\"from\":\"2026-03-01T10:00:00Z\"}"));
    }

    @Test
    void an_unknown_format_is_refused_before_anything_is_written() {
        HttpResult refused = server.get("/api/v1/audit/export?format=xlsx");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asText()).isEqualTo("query parameter 'format' must be csv or json,"
                + " got 'xlsx'");
        assertThat(server.get("/api/v1/audit?action=audit.export").json().get("records")).isEmpty();
    }

    @Test
    void a_username_nobody_has_exports_the_header_alone() {
        assertThat(server.get("/api/v1/audit/export?username=nobody").text()).isEqualTo("id,eventId,time,actor,"
                + "action,user,subject,result,reason,clientAddress,userAgent,mode,details,chainPosition\r\n");
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
