package io.gatehouse.server.codes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A use limit holds under concurrent scans, also when two nodes share the database. */
@DatabaseTest
class CodeUseLimitTest {
    static final int MAX_USES = 5;
    static final int SCANS = 40;

    @TempDir
    Path data;

    @Test
    void concurrent_scans_at_two_nodes_redirect_exactly_max_uses_times() throws Exception {
        try (TestServer nodeA = TestServer.start(data); TestServer nodeB = nodeA.secondNode()) {
            HttpResult created = nodeA.post("/api/v1/codes", Map.of("target", "https://example.com/",
                    "maxUses", MAX_USES));
            String id = created.json().get("id").asText();
            String path = created.json().get("url").asText().replaceFirst("^https?://[^/]+", "");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < SCANS; i++) {
                    TestServer node = i % 2 == 0 ? nodeA : nodeB;
                    answers.add(pool.submit(() -> {
                        go.await();
                        return node.send(HttpRequest.newBuilder(node.uri(path)).GET()
                                .header("User-Agent", UserAgentStrings.IPHONE_SAFARI), null).status();
                    }));
                }
                go.countDown();
                int redirects = 0;
                int refusals = 0;
                for (Future<Integer> answer : answers) {
                    int status = answer.get();
                    if (status == 302) {
                        redirects++;
                    } else if (status == 410) {
                        refusals++;
                    }
                }
                assertThat(redirects).isEqualTo(MAX_USES);
                assertThat(refusals).isEqualTo(SCANS - MAX_USES);
            } finally {
                pool.shutdownNow();
            }
            JsonNode code = nodeB.get("/api/v1/codes/" + id).json();
            assertThat(code.get("uses").asInt()).isEqualTo(MAX_USES);
            assertThat(code.get("scans").asInt()).isEqualTo(SCANS);
            JsonNode summary = nodeA.get("/api/v1/codes/" + id + "/scans/summary").json();
            assertThat(summary.get("total").asInt()).isEqualTo(SCANS);
            assertThat(summary.get("redirected").asInt()).isEqualTo(MAX_USES);
            assertThat(CodesApiTest.counts(summary.get("byOutcome")))
                    .isEqualTo(Map.of("redirected", MAX_USES, "used_up", SCANS - MAX_USES));
        }
    }
}
