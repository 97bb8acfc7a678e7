package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's Doors section over HTTP: forms change what the API changes, refusals come back on the page they came
 * from, roles see and may do only what they are granted, and every change needs the session's CSRF token.
 */
@DatabaseTest
class DoorsPagesTest {
    static final String SCRIPT = "<script>alert(1)</script>";
    static final String ATTRIBUTE = "\"><img src=x onerror=alert(1)>";

    @TempDir
    Path data;
    TestServer server;
    ConsoleClient admin;
    String adminId;
    String siteId;
    String zoneId;
    String doorId;
    String readerId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        adminId = user("alice", "admin");
        admin = ConsoleClient.signIn(server, adminId);
        siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Main entrance"));
        readerId = created("/api/v1/readers", Map.of("doorId", doorId, "name", "Lobby reader"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String user(String name, String role) {
        return created("/api/v1/users", Map.of("username", name, "roles", List.of(role)));
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    HttpResult post(ConsoleClient client, String path, Map<String, String> fields) {
        Map<String, String> withToken = new HashMap<>(fields);
        withToken.put("_csrf", client.csrfFrom("/console/doors"));
        return client.postForm(path, withToken);
    }

    @Test
    void the_section_lists_sites_doors_and_readers_with_their_status() {
        HttpResult page = admin.get("/console/doors");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"doors\"").contains("HQ").contains("Main entrance")
                .contains("Lobby reader").contains("data-health=\"offline\"").contains("data-form=\"create-site\"");
        for (String path : List.of("/console/doors/sites/" + siteId, "/console/doors/zones/" + zoneId,
                "/console/doors/doors/" + doorId, "/console/doors/readers/" + readerId)) {
            HttpResult item = admin.get(path);
            assertThat(item.status()).as(path).isEqualTo(200);
            assertThat(item.text()).as(path).contains("data-page=\"doors\"");
        }
        assertThat(admin.get("/console/doors?status=revoked").text()).doesNotContain("data-reader=\"" + readerId);
        assertThat(admin.get("/console/doors/doors/nope").status()).isEqualTo(404);
    }

    @Test
    void a_form_change_is_made_audited_and_announced() {
        HttpResult saved = post(admin, "/console/doors/doors/" + doorId, Map.of("name", "Front door", "zoneId",
                zoneId, "proofLifetimeSeconds", "60", "allowedSkewSeconds", "10", "maxBundleAgeSeconds", "3600",
                "minimumDeviceTrust", "hardware", "offlineMode", "fail_open", "requireUserVerification", "on",
                "requireUserVerificationWhenFlagged", "on", "requireBoundPass", "on"));

        assertThat(saved.status()).isEqualTo(303);
        assertThat(saved.header("Location")).isEqualTo("/console/doors/doors/" + doorId + "?done=door_saved");
        var door = server.get("/api/v1/doors/" + doorId).json();
        assertThat(door.get("name").asText()).isEqualTo("Front door");
        assertThat(door.get("requireUserVerification").asBoolean()).isTrue();
        assertThat(door.get("requireUserVerificationWhenFlagged").asBoolean()).isTrue();
        assertThat(door.get("requireBoundPass").asBoolean()).isTrue();
        assertThat(admin.get("/console/doors/doors/" + doorId).text())
                .contains("name=\"requireUserVerificationWhenFlagged\" checked")
                .contains("name=\"requireBoundPass\" checked");
        assertThat(door.get("offlineMode").asText()).isEqualTo("fail_open");
        var record = server.get("/api/v1/audit?action=door.update").json().get("records").get(0);
        assertThat(record.get("actor").asText()).isEqualTo("user:" + adminId);
        assertThat(admin.get(saved.header("Location")).text()).contains("readers get it with their next bundle");

        HttpResult deleted = post(admin, "/console/doors/readers/" + readerId + "/delete", Map.of());
        assertThat(deleted.header("Location")).isEqualTo("/console/doors/doors/" + doorId + "?done=reader_deleted");
        assertThat(server.get("/api/v1/readers/" + readerId).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/audit?action=reader.delete").json().get("records").get(0).get("actor")
                .asText()).isEqualTo("user:" + adminId);
    }

    @Test
    void a_rule_gets_a_weekly_schedule_from_the_editor() {
        HttpResult created = post(admin, "/console/doors/rules", Map.of("zoneId", zoneId, "grantee", "role",
                "role", "staff", "days-0", "MON", "from-0", "07:00", "to-0", "19:00"));
        assertThat(created.status()).as(created.text()).isEqualTo(303);
        String ruleId = created.header("Location").replaceAll(".*/rules/([^?]+).*", "$1");
        var rule = server.get("/api/v1/access-rules/" + ruleId).json();
        assertThat(rule.get("schedule").get(0).get("days").get(0).asText()).isEqualTo("MON");

        HttpResult page = admin.get("/console/doors/rules/" + ruleId);
        assertThat(page.text()).contains("Europe/Berlin time").contains("value=\"07:00\"");

        HttpResult always = post(admin, "/console/doors/rules/" + ruleId, Map.of());
        assertThat(always.status()).isEqualTo(303);
        assertThat(server.get("/api/v1/access-rules/" + ruleId).json().get("schedule").isNull()).isTrue();
    }

    @Test
    void a_refused_change_comes_back_on_its_page_with_the_reason_and_nothing_changes() {
        HttpResult invalid = post(admin, "/console/doors/sites/" + siteId, Map.of("name", "HQ", "timeZone",
                "Mars/Base"));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.text()).contains("data-page=\"doors\"").contains("must be an IANA time zone");

        HttpResult inUse = post(admin, "/console/doors/zones/" + zoneId + "/delete", Map.of());
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.text()).contains("still has 1 doors");
        assertThat(server.get("/api/v1/zones/" + zoneId).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/sites/" + siteId).json().get("timeZone").asText()).isEqualTo("Europe/Berlin");
    }

    @Test
    void a_role_without_the_permission_sees_no_forms_and_is_refused() {
        ConsoleClient auditor = ConsoleClient.signIn(server, user("audrey", "auditor"));
        ConsoleClient security = ConsoleClient.signIn(server, user("sam", "security"));

        HttpResult page = auditor.get("/console/doors/doors/" + doorId);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).doesNotContain("data-form=");
        assertThat(auditor.get("/console/doors/readers/" + readerId).text()).doesNotContain("data-form=");
        HttpResult refused = post(auditor, "/console/doors/doors/" + doorId + "/delete", Map.of());
        assertThat(refused.status()).isEqualTo(403);

        HttpResult reader = security.get("/console/doors/readers/" + readerId);
        assertThat(reader.text()).contains("data-form=\"revoke-reader\"").doesNotContain("data-form=\"delete-reader\"")
                .doesNotContain("data-form=\"provision-reader\"");
        assertThat(post(security, "/console/doors/readers/" + readerId + "/delete", Map.of()).status())
                .isEqualTo(403);
        assertThat(post(security, "/console/doors/readers/" + readerId + "/revoke", Map.of()).status())
                .isEqualTo(303);
        assertThat(server.get("/api/v1/readers/" + readerId).json().get("status").asText()).isEqualTo("revoked");
        assertThat(server.get("/api/v1/doors/" + doorId).status()).isEqualTo(200);
    }

    @Test
    void a_change_without_the_csrf_token_is_refused_and_changes_nothing() {
        HttpResult refused = admin.postForm("/console/doors/sites/" + siteId + "/delete", Map.of());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(admin.postForm("/console/doors/sites", Map.of("name", "X", "timeZone", "UTC")).status())
                .isEqualTo(403);
        assertThat(server.get("/api/v1/sites").json().get("sites").size()).isEqualTo(1);
    }

    @Test
    void names_with_markup_come_back_as_text() {
        String hostileSite = created("/api/v1/sites", Map.of("name", SCRIPT, "timeZone", "UTC"));
        String hostileZone = created("/api/v1/zones", Map.of("siteId", hostileSite, "name", ATTRIBUTE));
        String hostileDoor = created("/api/v1/doors", Map.of("zoneId", hostileZone, "name", SCRIPT + ATTRIBUTE));
        created("/api/v1/readers", Map.of("doorId", hostileDoor, "name", ATTRIBUTE));

        for (String path : List.of("/console/doors", "/console/doors/sites/" + hostileSite, "/console/doors/zones/"
                + hostileZone, "/console/doors/doors/" + hostileDoor)) {
            String page = admin.get(path).text();
            assertThat(page).as(path).doesNotContain(SCRIPT).doesNotContain("<img src=x")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
    }
}
