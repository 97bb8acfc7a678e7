package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overview names the readers that need someone: offline, or holding an out-of-date bundle. */
@DatabaseTest
class OverviewReadersTest {
    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_reader_never_seen_is_listed_as_offline_for_everyone_who_may_read_doors() {
        String site = id(server.post("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC")));
        String zone = id(server.post("/api/v1/zones", Map.of("siteId", site, "name", "Lobby")));
        String door = id(server.post("/api/v1/doors", Map.of("zoneId", zone, "name", "Front")));
        String reader = id(server.post("/api/v1/readers", Map.of("doorId", door, "name", "<b>front</b> reader")));
        String helpdesk = id(server.post("/api/v1/users", Map.of("username", "hal", "roles", List.of("helpdesk"))));

        HttpResult page = ConsoleClient.signIn(server, helpdesk).get("/console");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-readers-trouble").contains("data-reader=\"" + reader + "\"")
                .contains("&lt;b&gt;front&lt;/b&gt; reader").contains("offline").doesNotContain("<b>front");
    }

    @Test
    void with_no_readers_the_overview_says_all_is_well() {
        String auditor = id(server.post("/api/v1/users", Map.of("username", "ann", "roles", List.of("auditor"))));

        assertThat(ConsoleClient.signIn(server, auditor).get("/console").text())
                .contains("Every reader is online with a current bundle.");
    }

    private static String id(HttpResult created) {
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }
}
