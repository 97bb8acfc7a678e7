package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/audit/verification}: the last verification of the chain, kept for {@link
 * ChainVerification#MAX_AGE}, then run again; a broken chain names the record where it breaks.
 */
@DatabaseTest
class ChainVerificationTest {
    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        server.post("/api/v1/users", Map.of("username", "alice"));
        server.post("/api/v1/users", Map.of("username", "bob"));
        server.sealAudit();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode verification() {
        HttpResult answer = server.get("/api/v1/audit/verification");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    @Test
    void an_untouched_chain_is_intact_with_its_counts_and_timing() {
        JsonNode state = verification();

        assertThat(state.get("state").asText()).isEqualTo("intact");
        assertThat(state.get("linkedRecords").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(state.get("headPosition").asLong()).isEqualTo(state.get("linkedRecords").asLong());
        assertThat(state.get("brokenAtRecord").isNull()).isTrue();
        assertThat(state.get("problems")).isEmpty();
        assertThat(state.get("verifiedAt").asText()).isEqualTo(server.clock().instant().toString());
        assertThat(state.get("tookMillis").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void a_result_is_reused_until_it_is_too_old_then_an_altered_record_is_located() {
        JsonNode first = verification();
        long altered = server.get("/api/v1/audit?action=user.create&limit=1").json().get("records").get(0)
                .get("id").asLong();
        server.gatehouse().services().core().database().inTransaction(tx -> tx.update(
                "UPDATE audit_log SET reason = 'edited' WHERE id = ?", altered));

        assertThat(verification()).isEqualTo(first);

        server.clock().advance(ChainVerification.MAX_AGE.plus(Duration.ofSeconds(1)));
        server.sealAudit();
        JsonNode broken = verification();

        assertThat(broken.get("state").asText()).isEqualTo("broken");
        assertThat(broken.get("brokenAtRecord").asLong()).isEqualTo(altered);
        assertThat(broken.get("problems").get(0).asText()).startsWith("record id " + altered + " (chain position");
        assertThat(broken.get("problems").get(0).asText()).endsWith("was altered: its content does not match its MAC");
    }
}
