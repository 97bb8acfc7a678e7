package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.common.ClientInfo;
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
 * The filters of {@code GET /api/v1/audit} beyond user and action: door, result, reason and a time range, each alone
 * and together, paged as before.
 */
@DatabaseTest
class AuditFilterTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        List<AuditSeed.Timed> events = new ArrayList<>();
        events.add(new AuditSeed.Timed(T0, AuditSeed.scan("dor_a", "usr_one", "grant", null)));
        events.add(new AuditSeed.Timed(T0.plusSeconds(60), AuditSeed.scan("dor_a", "usr_one", "deny", "revoked")));
        events.add(new AuditSeed.Timed(T0.plusSeconds(120), AuditSeed.scan("dor_b", "usr_two", "deny",
                "outside_schedule")));
        events.add(new AuditSeed.Timed(T0.plusSeconds(180), AuditSeed.scan("dor_b", "usr_one", "grant", null)));
        events.add(new AuditSeed.Timed(T0.plusSeconds(240), AuditEvent.of("tester", "user.create",
                ClientInfo.local("test")).user("usr_two").subject("door:dor_a").success()));
        AuditSeed.append(server.gatehouse().services().core().database(),
                server.gatehouse().services().core().audit(), events);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> times(String query) {
        HttpResult page = server.get("/api/v1/audit?" + query);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        List<String> times = new ArrayList<>();
        page.json().get("records").forEach(record -> {
            if (!record.get("actor").asText().startsWith("test-admin") && !record.get("action").asText()
                    .startsWith("token")) {
                times.add(record.get("time").asText().substring(11, 16));
            }
        });
        return times;
    }

    @Test
    void door_result_and_reason_filter_alone_and_together() {
        assertThat(times("door=dor_a")).containsExactly("10:04", "10:01", "10:00");
        assertThat(times("door=dor_a&action=door.scan")).containsExactly("10:01", "10:00");
        assertThat(times("result=deny")).containsExactly("10:02", "10:01");
        assertThat(times("reason=revoked")).containsExactly("10:01");
        assertThat(times("result=grant&userId=usr_one&door=dor_b")).containsExactly("10:03");
        assertThat(times("door=nowhere")).isEmpty();
    }

    @Test
    void from_is_inclusive_and_to_exclusive_in_any_offset() {
        assertThat(times("action=door.scan&from=2026-03-01T10:01:00Z&to=2026-03-01T10:03:00Z"))
                .containsExactly("10:02", "10:01");
        assertThat(times("action=door.scan&from=2026-03-01T11:02:00%2B01:00")).containsExactly("10:03", "10:02");
    }

    @Test
    void filters_page_with_before_and_limit() {
        HttpResult first = server.get("/api/v1/audit?action=door.scan&limit=3");
        assertThat(first.json().get("records")).hasSize(3);
        long next = first.json().get("nextBefore").asLong();

        HttpResult second = server.get("/api/v1/audit?action=door.scan&limit=3&before=" + next);

        assertThat(second.json().get("records")).hasSize(1);
        assertThat(second.json().get("records").get(0).get("time").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(second.json().get("nextBefore").isNull()).isTrue();
    }

    @Test
    void an_instant_that_is_not_rfc_3339_is_refused() {
        HttpResult refused = server.get("/api/v1/audit?from=yesterday");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(refused.json().get("detail").asText()).isEqualTo("query parameter 'from' must be an RFC 3339"
                + " instant such as 2026-01-31T12:00:00Z, got 'yesterday'");
        assertThat(server.get("/api/v1/audit?to=2026-03-01T10:00:00").status()).isEqualTo(400);
    }

    @Test
    void a_username_nobody_has_still_matches_nothing_with_other_filters() {
        assertThat(times("username=nobody&door=dor_a")).isEmpty();
    }
}
