package io.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading, changing and deleting sites, zones, doors and access rules; the filtered lists. */
@DatabaseTest
class SiteEditsTest {
    @TempDir
    Path data;
    TestServer server;
    String siteId;
    String zoneId;
    String doorId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Main entrance"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    static HttpResult patch(TestServer server, String path, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)), server.adminToken());
    }

    HttpResult patch(String path, Object body) {
        return patch(server, path, body instanceof String text ? text : Json.write(body));
    }

    JsonNode lastAudit(String action) {
        JsonNode records = server.get("/api/v1/audit?action=" + action).json().get("records");
        assertThat(records.size()).as(action).isGreaterThan(0);
        return records.get(0);
    }

    List<String> ids(HttpResult list, String member) {
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.json().get(member).forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    @Test
    void each_item_reads_back_and_an_unknown_id_is_404() {
        assertThat(server.get("/api/v1/sites/" + siteId).json().get("timeZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(server.get("/api/v1/zones/" + zoneId).json().get("siteId").asText()).isEqualTo(siteId);
        JsonNode door = server.get("/api/v1/doors/" + doorId).json();
        assertThat(door.get("siteId").asText()).isEqualTo(siteId);
        assertThat(door.get("allowedSkewSeconds").asInt()).isEqualTo(5);
        for (String path : List.of("/api/v1/sites/x", "/api/v1/zones/x", "/api/v1/doors/x", "/api/v1/access-rules/x",
                "/api/v1/readers/x")) {
            HttpResult missing = server.get(path);
            assertThat(missing.status()).as(path).isEqualTo(404);
            assertThat(patch(path, Map.of()).status()).as(path).isEqualTo(404);
            assertThat(server.delete(path).status()).as(path).isEqualTo(404);
        }
        assertThat(server.get("/api/v1/doors/x").json().get("code").asText()).isEqualTo("door_not_found");
    }

    @Test
    void a_new_time_zone_is_audited_with_the_old_and_the_new_value() {
        HttpResult changed = patch("/api/v1/sites/" + siteId, Map.of("timeZone", "America/New_York"));

        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.json().get("timeZone").asText()).isEqualTo("America/New_York");
        assertThat(changed.json().get("name").asText()).isEqualTo("HQ");
        JsonNode record = lastAudit("site.update");
        assertThat(record.get("subject").asText()).isEqualTo("site:" + siteId);
        JsonNode change = record.get("details").get("changes").get("timeZone");
        assertThat(change.get("from").asText()).isEqualTo("Europe/Berlin");
        assertThat(change.get("to").asText()).isEqualTo("America/New_York");
        assertThat(record.get("details").get("changes").has("name")).isFalse();
    }

    @Test
    void a_patch_refuses_unknown_fields_nulls_and_bad_values_and_changes_nothing() {
        HttpResult unknown = patch("/api/v1/sites/" + siteId, Map.of("nmae", "Typo"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("code").asText()).isEqualTo("unknown_field");
        assertThat(unknown.json().get("detail").asText()).contains("'nmae'").contains("name, timeZone");

        HttpResult nulled = patch("/api/v1/sites/" + siteId, "{\"name\":null}");
        assertThat(nulled.status()).isEqualTo(400);
        assertThat(nulled.json().get("detail").asText()).isEqualTo("field 'name' must be a string, got null");

        HttpResult zone = patch("/api/v1/sites/" + siteId, Map.of("timeZone", "Mars/Olympus"));
        assertThat(zone.status()).isEqualTo(400);
        assertThat(zone.json().get("code").asText()).isEqualTo("invalid_field");

        HttpResult skew = patch("/api/v1/doors/" + doorId, Map.of("allowedSkewSeconds", 500));
        assertThat(skew.status()).isEqualTo(400);
        assertThat(skew.json().get("detail").asText()).isEqualTo("field 'allowedSkewSeconds' must be 0 to 120, got"
                + " 500");
        HttpResult typed = patch("/api/v1/doors/" + doorId, Map.of("requireUserVerification", "yes"));
        assertThat(typed.status()).isEqualTo(400);

        assertThat(server.get("/api/v1/sites/" + siteId).json().get("name").asText()).isEqualTo("HQ");
        assertThat(server.get("/api/v1/audit?action=site.update").json().get("records").size()).isZero();
    }

    @Test
    void a_door_moves_to_another_zone_and_changes_its_settings_in_part() {
        String otherSite = created("/api/v1/sites", Map.of("name", "Depot", "timeZone", "UTC"));
        String otherZone = created("/api/v1/zones", Map.of("siteId", otherSite, "name", "Yard"));
        assertThat(patch("/api/v1/doors/" + doorId, Map.of("name", "Main entrance", "allowedSkewSeconds", 5))
                .status()).isEqualTo(200);
        assertThat(server.get("/api/v1/audit?action=door.update").json().get("records").size())
                .as("a patch that changes nothing writes nothing").isZero();

        HttpResult moved = patch("/api/v1/doors/" + doorId, Map.of("zoneId", otherZone, "allowedSkewSeconds", 20,
                "minimumDeviceTrust", "hardware"));

        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.json().get("zoneId").asText()).isEqualTo(otherZone);
        assertThat(moved.json().get("siteId").asText()).isEqualTo(otherSite);
        assertThat(moved.json().get("allowedSkewSeconds").asInt()).isEqualTo(20);
        assertThat(moved.json().get("name").asText()).isEqualTo("Main entrance");
        assertThat(moved.json().get("proofLifetimeSeconds").asInt()).isEqualTo(30);
        JsonNode changes = lastAudit("door.update").get("details").get("changes");
        assertThat(changes.get("zoneId").get("from").asText()).isEqualTo(zoneId);
        assertThat(changes.get("allowedSkewSeconds").get("to").asInt()).isEqualTo(20);
        assertThat(changes.get("minimumDeviceTrust").get("from").asText()).isEqualTo("software");
        assertThat(changes.has("name")).isFalse();

        HttpResult nowhere = patch("/api/v1/doors/" + doorId, Map.of("zoneId", "zone_gone"));
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.json().get("code").asText()).isEqualTo("zone_not_found");
    }

    @Test
    void a_rule_schedule_changes_and_null_means_always() {
        String ruleId = created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));

        HttpResult scheduled = patch("/api/v1/access-rules/" + ruleId, Map.of("schedule", List.of(Map.of("days",
                List.of("MON", "TUE"), "from", "07:00", "to", "19:00"))));
        assertThat(scheduled.status()).as(scheduled.toString()).isEqualTo(200);
        assertThat(scheduled.json().get("schedule").get(0).get("from").asText()).isEqualTo("07:00");
        assertThat(server.get("/api/v1/access-rules/" + ruleId).json().get("schedule").size()).isEqualTo(1);
        assertThat(lastAudit("access_rule.update").get("details").get("changes").get("schedule").get("from")
                .isNull()).isTrue();

        HttpResult always = patch("/api/v1/access-rules/" + ruleId, "{\"schedule\":null}");
        assertThat(always.status()).isEqualTo(200);
        assertThat(always.json().get("schedule").isNull()).isTrue();

        HttpResult who = patch("/api/v1/access-rules/" + ruleId, Map.of("role", "admin"));
        assertThat(who.status()).isEqualTo(400);
        assertThat(who.json().get("code").asText()).isEqualTo("unknown_field");
    }

    @Test
    void nothing_is_deleted_while_something_depends_on_it() {
        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        String readerId = created("/api/v1/readers", Map.of("doorId", doorId, "name", "R"));

        HttpResult site = server.delete("/api/v1/sites/" + siteId);
        assertThat(site.status()).isEqualTo(409);
        assertThat(site.json().get("code").asText()).isEqualTo("in_use");
        assertThat(site.json().get("dependents").get("zones").asInt()).isEqualTo(1);
        HttpResult zone = server.delete("/api/v1/zones/" + zoneId);
        assertThat(zone.status()).isEqualTo(409);
        assertThat(zone.json().get("detail").asText()).isEqualTo("zone '" + zoneId + "' still has 1 doors, 1"
                + " accessRules; delete or move them first");
        HttpResult door = server.delete("/api/v1/doors/" + doorId);
        assertThat(door.status()).isEqualTo(409);
        assertThat(door.json().get("dependents").get("readers").asInt()).isEqualTo(1);

        assertThat(server.delete("/api/v1/readers/" + readerId).status()).isEqualTo(204);
        assertThat(server.delete("/api/v1/doors/" + doorId).status()).isEqualTo(204);
        String ruleId = server.get("/api/v1/access-rules?zoneId=" + zoneId).json().get("accessRules").get(0)
                .get("id").asText();
        assertThat(server.delete("/api/v1/access-rules/" + ruleId).status()).isEqualTo(204);
        assertThat(server.delete("/api/v1/zones/" + zoneId).status()).isEqualTo(204);
        assertThat(server.delete("/api/v1/sites/" + siteId).status()).isEqualTo(204);

        assertThat(server.get("/api/v1/sites/" + siteId).status()).isEqualTo(404);
        assertThat(lastAudit("door.delete").get("details").get("name").asText()).isEqualTo("Main entrance");
        assertThat(lastAudit("zone.delete").get("subject").asText()).isEqualTo("zone:" + zoneId);
        assertThat(lastAudit("site.delete").get("details").get("timeZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(lastAudit("access_rule.delete").get("details").get("role").asText()).isEqualTo("staff");
    }

    @Test
    void lists_filter_by_what_their_items_belong_to_and_keep_paging() {
        String otherSite = created("/api/v1/sites", Map.of("name", "Depot", "timeZone", "UTC"));
        String yard = created("/api/v1/zones", Map.of("siteId", otherSite, "name", "Yard"));
        String gate1 = created("/api/v1/doors", Map.of("zoneId", yard, "name", "Gate 1"));
        String gate2 = created("/api/v1/doors", Map.of("zoneId", yard, "name", "Gate 2"));
        String userId = created("/api/v1/users", Map.of("username", "pat"));
        String staffRule = created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        String patRule = created("/api/v1/access-rules", Map.of("zoneId", yard, "userId", userId));
        String reader = created("/api/v1/readers", Map.of("doorId", gate1, "name", "R1"));
        created("/api/v1/readers", Map.of("doorId", doorId, "name", "R2"));

        assertThat(ids(server.get("/api/v1/zones?siteId=" + otherSite), "zones")).containsExactly(yard);
        assertThat(ids(server.get("/api/v1/doors?siteId=" + otherSite), "doors")).containsExactly(gate1, gate2);
        assertThat(ids(server.get("/api/v1/doors?zoneId=" + zoneId), "doors")).containsExactly(doorId);
        assertThat(ids(server.get("/api/v1/doors?siteId=" + siteId + "&zoneId=" + yard), "doors")).isEmpty();
        assertThat(ids(server.get("/api/v1/access-rules?doorId=" + gate2), "accessRules")).containsExactly(patRule);
        assertThat(ids(server.get("/api/v1/access-rules?userId=" + userId), "accessRules"))
                .containsExactly(patRule);
        assertThat(ids(server.get("/api/v1/access-rules?role=staff"), "accessRules")).containsExactly(staffRule);
        assertThat(ids(server.get("/api/v1/readers?doorId=" + gate1), "readers")).containsExactly(reader);

        HttpResult first = server.get("/api/v1/doors?siteId=" + otherSite + "&limit=1");
        assertThat(ids(first, "doors")).containsExactly(gate1);
        String next = first.json().get("next").asText();
        HttpResult second = server.get("/api/v1/doors?siteId=" + otherSite + "&limit=1&after=" + next);
        assertThat(ids(second, "doors")).containsExactly(gate2);
        assertThat(second.json().get("next").isNull()).isTrue();
    }
}
