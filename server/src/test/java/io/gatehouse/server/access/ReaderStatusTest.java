package io.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reader status for the console (last seen, bundle version and age, pending events, derived health), renaming and
 * decommissioning readers, and configuration changes reaching an offline reader with its next bundle.
 */
@DatabaseTest
class ReaderStatusTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    String zoneId;
    String doorId;
    String ruleId;
    String readerId;
    String credential;
    List<TrustedKey> pinned = new ArrayList<>();
    long lastVersion;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        String siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Z"));
        doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "D", "maxBundleAgeSeconds", 3600));
        ruleId = created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        readerId = created("/api/v1/readers", Map.of("doorId", doorId, "name", "R"));
        String token = server.post("/api/v1/readers/" + readerId + "/provisioning", "").json().get("token").asText();
        HttpResult enrolled = server.post("/api/v1/reader-enrollment", Map.of("secret",
                token.substring(token.indexOf('.') + 1), "publicKey",
                Base64Url.encode(PublicKeys.toSpki(ProofSigner.generateP256(RANDOM).getPublic()))), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        credential = enrolled.json().get("credential").asText();
        enrolled.json().get("bundleKeys").forEach(key -> pinned.add(new TrustedKey(key.get("keyId").asText(),
                PublicKeys.fromSpki(Base64Url.decode(key.get("publicKey").asText())))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    ReaderBundle fetchBundle(String pendingEvents) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/reader/bundle")).GET();
        if (pendingEvents != null) {
            request.header(AccessController.PENDING_EVENTS_HEADER, pendingEvents);
        }
        HttpResult bundle = server.send(request, credential);
        assertThat(bundle.status()).as(bundle.toString()).isEqualTo(200);
        BundleCheck check = BundleVerifier.verify(bundle.bytes(), pinned, readerId, lastVersion);
        assertThat(check).as(check.toString()).isInstanceOf(BundleCheck.Accepted.class);
        ReaderBundle accepted = ((BundleCheck.Accepted) check).bundle();
        lastVersion = accepted.bundleVersion();
        return accepted;
    }

    JsonNode reader() {
        HttpResult reader = server.get("/api/v1/readers/" + readerId);
        assertThat(reader.status()).as(reader.toString()).isEqualTo(200);
        return reader.json();
    }

    String health() {
        return reader().get("health").asText();
    }

    List<String> listed(String status) {
        HttpResult list = server.get("/api/v1/readers?status=" + status);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.json().get("readers").forEach(reader -> ids.add(reader.get("id").asText()));
        return ids;
    }

    void assertHealth(String expected) {
        assertThat(health()).isEqualTo(expected);
        assertThat(listed(expected)).as("the list filter agrees").containsExactly(readerId);
    }

    @Test
    void a_reader_that_never_called_is_offline_and_its_first_bundle_fetch_makes_it_online() {
        JsonNode before = reader();
        assertThat(before.get("status").asText()).isEqualTo("active");
        assertThat(before.get("health").asText()).isEqualTo("offline");
        assertThat(before.get("lastSeenAt").isNull()).isTrue();
        assertThat(before.get("bundleVersion").isNull()).isTrue();
        assertThat(before.get("pendingEvents").isNull()).isTrue();

        ReaderBundle bundle = fetchBundle("3");
        server.clock().advance(Duration.ofSeconds(90));

        JsonNode after = reader();
        assertThat(after.get("health").asText()).isEqualTo("online");
        assertThat(after.get("lastSeenAt").asText()).isNotEmpty();
        assertThat(after.get("bundleVersion").asLong()).isEqualTo(bundle.bundleVersion());
        assertThat(after.get("bundleAgeSeconds").asLong()).isEqualTo(90);
        assertThat(after.get("pendingEvents").asLong()).isEqualTo(3);
        assertThat(after.get("uploadedEventSeq").asLong()).isZero();
        assertThat(listed("online")).containsExactly(readerId);
        assertThat(listed("offline")).isEmpty();
        assertThat(server.get("/api/v1/readers").json().get("readers").get(0).get("health").asText())
                .isEqualTo("online");

        server.clock().advance(ReaderHealth.OFFLINE_AFTER);
        assertHealth("offline");
    }

    @Test
    void an_offline_reader_gets_a_deleted_rule_and_changed_door_settings_with_its_next_bundle() {
        ReaderBundle before = fetchBundle(null);
        assertThat(before.rules()).hasSize(1);
        assertThat(before.door().allowedSkewSeconds()).isEqualTo(5);
        server.clock().advance(Duration.ofMinutes(10));
        assertHealth("offline");

        assertThat(server.delete("/api/v1/access-rules/" + ruleId).status()).isEqualTo(204);
        assertThat(SiteEditsTest.patch(server, "/api/v1/doors/" + doorId, "{\"allowedSkewSeconds\":30}").status())
                .isEqualTo(200);
        ReaderBundle after = fetchBundle(null);

        assertThat(after.bundleVersion()).isGreaterThan(before.bundleVersion());
        assertThat(after.rules()).isEmpty();
        assertThat(after.door().allowedSkewSeconds()).isEqualTo(30);
        assertHealth("online");
    }

    @Test
    void a_change_to_what_decides_at_the_door_makes_the_bundle_stale_until_the_next_fetch() {
        fetchBundle(null);
        assertHealth("online");

        assertThat(SiteEditsTest.patch(server, "/api/v1/doors/" + doorId, "{\"name\":\"Front\"}").status())
                .isEqualTo(200);
        assertThat(health()).as("a new name is not in the bundle").isEqualTo("online");

        String siteId = server.get("/api/v1/doors/" + doorId).json().get("siteId").asText();
        assertThat(SiteEditsTest.patch(server, "/api/v1/sites/" + siteId, "{\"timeZone\":\"Asia/Tokyo\"}")
                .status()).isEqualTo(200);
        assertHealth("stale_bundle");
        assertThat(fetchBundle(null).door().siteTimeZone().getId()).isEqualTo("Asia/Tokyo");
        assertHealth("online");

        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "admin"));
        assertHealth("stale_bundle");
        fetchBundle(null);
        assertHealth("online");
    }

    @Test
    void the_hooks_for_changes_to_people_make_the_bundles_of_their_doors_stale() {
        String userId = created("/api/v1/users", Map.of("username", "pat"));
        fetchBundle(null);
        var database = server.gatehouse().services().core().database();

        database.inTransaction(tx -> {
            DoorStore.raiseRevisionsForUser(tx, userId, List.of("staff"));
            return null;
        });
        assertHealth("stale_bundle");
        fetchBundle(null);
        database.inTransaction(tx -> {
            DoorStore.raiseRevisionsForUser(tx, userId, List.of("nobody"));
            return null;
        });
        assertHealth("online");

        String own = created("/api/v1/access-rules", Map.of("zoneId", zoneId, "userId", userId));
        fetchBundle(null);
        int deleted = database.inTransaction(tx -> DoorStore.deleteRulesOfUser(tx, userId));
        assertThat(deleted).isEqualTo(1);
        assertThat(server.get("/api/v1/access-rules/" + own).status()).isEqualTo(404);
        assertHealth("stale_bundle");
    }

    @Test
    void an_expired_bundle_is_stale_while_the_reader_is_still_seen() {
        assertThat(SiteEditsTest.patch(server, "/api/v1/doors/" + doorId, "{\"maxBundleAgeSeconds\":60}").status())
                .isEqualTo(200);
        fetchBundle(null);
        server.clock().advance(Duration.ofSeconds(61));
        HttpResult scan = server.post("/api/v1/scans", Map.of("payload", "not a proof"), credential);
        assertThat(scan.status()).as(scan.toString()).isEqualTo(200);
        assertThat(health()).as("the scan is not written yet").isEqualTo("stale_bundle");
        server.clock().advance(ReaderHealth.OFFLINE_AFTER);
        assertThat(health()).isEqualTo("offline");

        server.post("/api/v1/scans", Map.of("payload", "not a proof"), credential);
        assertThat(server.gatehouse().services().access().readers().writeSightings()).isEqualTo(1);
        assertHealth("stale_bundle");
    }

    @Test
    void a_reader_only_asked_online_needs_no_bundle_and_is_seen_through_its_scans() {
        String online = server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "Online only")).json()
                .get("credential").asText();
        String onlineId = online.substring(4, online.lastIndexOf('_'));
        server.post("/api/v1/scans", Map.of("payload", "not a proof"), online);
        server.post("/api/v1/scans", Map.of("payload", "not a proof"), "ghr_" + onlineId + "_wrong");

        assertThat(server.gatehouse().services().access().readers().writeSightings()).isEqualTo(1);
        JsonNode reader = server.get("/api/v1/readers/" + onlineId).json();
        assertThat(reader.get("health").asText()).isEqualTo("online");
        assertThat(reader.get("bundleVersion").isNull()).isTrue();
        assertThat(server.gatehouse().services().access().readers().writeSightings()).isZero();
    }

    @Test
    void an_upload_reports_what_stays_pending_after_it() {
        HttpResult upload = server.send(HttpRequest.newBuilder(server.uri("/api/v1/reader/events"))
                .header("Content-Type", "application/json").header(AccessController.PENDING_EVENTS_HEADER, "4")
                .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[]}")), credential);
        assertThat(upload.status()).as(upload.toString()).isEqualTo(200);
        assertThat(reader().get("pendingEvents").isNull()).as("not written yet").isTrue();

        server.gatehouse().services().access().readers().writeSightings();

        assertThat(reader().get("pendingEvents").asLong()).isEqualTo(4);
        assertThat(health()).as("seen, but no bundle yet").isEqualTo("stale_bundle");
        fetchBundle("not a number");
        assertThat(reader().get("pendingEvents").asLong()).as("a malformed count is ignored").isEqualTo(4);
    }

    @Test
    void a_revoked_reader_is_listed_as_revoked_and_a_bad_status_filter_is_refused() {
        fetchBundle(null);
        assertThat(server.post("/api/v1/readers/" + readerId + "/revoke", "").status()).isEqualTo(200);

        assertHealth("revoked");
        assertThat(listed("active")).isEmpty();
        HttpResult bad = server.get("/api/v1/readers?status=asleep");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("code").asText()).isEqualTo("invalid_parameter");
    }

    @Test
    void a_reader_is_renamed_and_the_change_audited() {
        HttpResult renamed = SiteEditsTest.patch(server, "/api/v1/readers/" + readerId, "{\"name\":\"Lobby\"}");

        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        assertThat(renamed.json().get("name").asText()).isEqualTo("Lobby");
        JsonNode change = server.get("/api/v1/audit?action=reader.update").json().get("records").get(0)
                .get("details").get("changes").get("name");
        assertThat(change.get("from").asText()).isEqualTo("R");
        assertThat(change.get("to").asText()).isEqualTo("Lobby");
        HttpResult door = SiteEditsTest.patch(server, "/api/v1/readers/" + readerId, "{\"doorId\":\"x\"}");
        assertThat(door.status()).isEqualTo(400);
        assertThat(door.json().get("code").asText()).isEqualTo("unknown_field");
    }

    @Test
    void deleting_a_reader_with_pending_events_needs_force_and_stops_its_credential_at_once() {
        fetchBundle("2");
        server.post("/api/v1/scans", Map.of("payload", "not a proof"), credential);

        HttpResult refused = server.delete("/api/v1/readers/" + readerId);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("events_pending");
        assertThat(refused.json().get("pendingEvents").asInt()).isEqualTo(2);
        assertThat(server.delete("/api/v1/readers/" + readerId + "?force=maybe").status()).isEqualTo(400);

        assertThat(server.delete("/api/v1/readers/" + readerId + "?force=true").status()).isEqualTo(204);

        assertThat(server.get("/api/v1/reader/bundle", credential).status()).isEqualTo(401);
        assertThat(server.post("/api/v1/scans", Map.of("payload", "x"), credential).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/readers/" + readerId).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/readers").json().get("readers").size()).isZero();
        JsonNode deleted = server.get("/api/v1/audit?action=reader.delete").json().get("records").get(0);
        assertThat(deleted.get("details").get("pendingEvents").asInt()).isEqualTo(2);
        assertThat(deleted.get("details").get("forced").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/audit?action=door.scan").json().get("records").size())
                .as("its scans stay in the audit").isEqualTo(1);
        server.gatehouse().services().access().readers().writeSightings();
        assertThat(server.delete("/api/v1/doors/" + doorId).status()).as("no reader is left").isEqualTo(204);
    }
}
