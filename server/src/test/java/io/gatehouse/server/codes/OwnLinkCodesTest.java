package io.gatehouse.server.codes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.passkey.PasskeyController;
import io.gatehouse.server.reader.ReaderSync;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.totp.TotpEnrollments;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrollment and provisioning links are managed codes: listed, tracked through their page views and {@code /q/},
 * showing how the link ended, and revocable through the codes API, which ends the link itself.
 */
@DatabaseTest
class OwnLinkCodesTest {
    @TempDir
    Path data;
    TestServer server;
    String userId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        userId = server.createdId("/api/v1/users", Map.of("username", "alice", "roles", List.of("staff")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_purposes_lead_to_the_pages_their_features_serve() {
        assertThat(Purpose.TOTP_ENROLLMENT.linkPath()).isEqualTo(TotpEnrollments.PATH);
        assertThat(Purpose.DEVICE_ENROLLMENT.linkPath()).isEqualTo(Devices.PATH);
        assertThat(Purpose.PASSKEY_ENROLLMENT.linkPath()).isEqualTo(PasskeyController.PAGE_PATH);
        assertThat(Purpose.READER_PROVISIONING.linkPath()).isEqualTo(ReaderSync.PATH);
    }

    @Test
    void a_totp_enrollment_link_is_a_code_that_shows_its_end_and_is_revoked_through_the_codes_api() {
        HttpResult link = server.post("/api/v1/users/" + userId + "/totp/enrollments", "");
        assertThat(link.status()).as(link.toString()).isEqualTo(201);
        String enrollmentId = link.json().get("id").asText();
        String token = tokenOf(link.json().get("enrollmentUrl").asText());
        JsonNode code = only("totp_enrollment");
        assertThat(code.get("referenceId").asText()).isEqualTo(enrollmentId);
        assertThat(code.get("state").asText()).isEqualTo("active");
        assertThat(code.has("url")).as("the link is shown once, by its feature").isFalse();
        assertThat(code.has("target")).isFalse();
        assertThat(code.get("expiresAt").asText()).isEqualTo(link.json().get("expiresAt").asText());

        HttpResult viaCode = get("/q/" + token);
        assertThat(viaCode.status()).isEqualTo(303);
        assertThat(viaCode.header("Location")).isEqualTo(server.gatehouse().baseUrl() + TotpEnrollments.PATH + token);
        assertThat(get(TotpEnrollments.PATH + token).status()).isEqualTo(200);
        String id = code.get("id").asText();
        JsonNode summary = server.get("/api/v1/codes/" + id + "/scans/summary").json();
        assertThat(CodesApiTest.counts(summary.get("byOutcome"))).isEqualTo(Map.of("redirected", 1, "viewed", 1));
        assertThat(CodesApiTest.counts(summary.get("byDeviceType"))).isEqualTo(Map.of("phone", 2));

        // A newer link supersedes this one: its code shows that, and no longer redirects.
        HttpResult newer = server.post("/api/v1/users/" + userId + "/totp/enrollments", "");
        JsonNode superseded = server.get("/api/v1/codes/" + id).json();
        assertThat(superseded.get("state").asText()).isEqualTo("ended");
        assertThat(superseded.get("endReason").asText()).isEqualTo("superseded");
        assertThat(get("/q/" + token).status()).isEqualTo(410);
        assertThat(server.post("/api/v1/codes/" + id + "/revoke", "").json().get("code").asText())
                .isEqualTo("code_ended");
        assertThat(ids("/api/v1/codes?purpose=totp_enrollment&state=active")).hasSize(1)
                .doesNotContain(id);

        String newerToken = tokenOf(newer.json().get("enrollmentUrl").asText());
        String newerId = ids("/api/v1/codes?purpose=totp_enrollment&state=active").get(0);
        assertThat(get(TotpEnrollments.PATH + newerToken).status()).isEqualTo(200);
        JsonNode revoked = server.post("/api/v1/codes/" + newerId + "/revoke", "").json();
        assertThat(revoked.get("state").asText()).isEqualTo("revoked");
        assertThat(get(TotpEnrollments.PATH + newerToken).status()).as("revoking the code ended the link")
                .isEqualTo(410);
        assertThat(audited("totp.enrollment.end")).containsExactly("code_revoked");
        assertThat(audited("code.revoke")).hasSize(1);
        assertThat(server.post("/api/v1/codes/" + newerId + "/disable", "").status()).isEqualTo(409);
    }

    @Test
    void own_purpose_codes_cannot_be_paused_or_retargeted() {
        server.post("/api/v1/users/" + userId + "/totp/enrollments", "");
        String id = only("totp_enrollment").get("id").asText();
        HttpResult paused = server.post("/api/v1/codes/" + id + "/disable", "");
        assertThat(paused.status()).isEqualTo(409);
        assertThat(paused.json().get("code").asText()).isEqualTo("code_not_pausable");
        HttpResult retargeted = server.send(HttpRequest.newBuilder(server.uri("/api/v1/codes/" + id))
                .header("Content-Type", "application/json").method("PATCH",
                        HttpRequest.BodyPublishers.ofString("{\"target\":\"https://example.com/\"}")),
                server.adminToken());
        assertThat(retargeted.status()).isEqualTo(409);
        assertThat(retargeted.json().get("code").asText()).isEqualTo("code_fixed");
    }

    @Test
    void a_device_enrollment_link_is_a_code_and_its_passkey_page_views_are_scans_of_it() {
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        assertThat(link.status()).isEqualTo(201);
        String token = tokenOf(link.json().get("enrollmentUrl").asText());
        JsonNode code = only("device_enrollment");
        assertThat(code.get("referenceId").asText()).isEqualTo(link.json().get("id").asText());
        assertThat(get("/q/" + token).header("Location")).endsWith(Devices.PATH + token);
        assertThat(get(Devices.PATH + token).status()).isEqualTo(200);
        assertThat(get(PasskeyController.PAGE_PATH + token).status()).isEqualTo(200);
        String id = code.get("id").asText();
        assertThat(server.get("/api/v1/codes/" + id).json().get("scans").asInt()).isEqualTo(3);

        server.post("/api/v1/codes/" + id + "/revoke", "");
        HttpResult enroll = server.post(Devices.PATH + token, Map.of("publicKey", "AAAA"), null);
        assertThat(enroll.status()).as(enroll.toString()).isEqualTo(410);
        assertThat(audited("device.enrollment.end")).containsExactly("code_revoked");

        server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        server.clock().advance(Duration.ofMinutes(11));
        List<JsonNode> codes = new ArrayList<>();
        server.get("/api/v1/codes?purpose=device_enrollment").json().get("codes").forEach(codes::add);
        assertThat(codes.stream().map(c -> c.get("state").asText() + ":" + (c.has("endReason")
                ? c.get("endReason").asText() : "")).toList()).containsExactlyInAnyOrder("revoked:revoked",
                "expired:");
    }

    @Test
    void a_reader_provisioning_token_is_a_code_that_ends_when_used_or_revoked() {
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        String zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        String doorId = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Main"));
        String readerId = server.createdId("/api/v1/readers", Map.of("doorId", doorId, "name", "r1"));
        HttpResult provisioning = server.post("/api/v1/readers/" + readerId + "/provisioning", "");
        assertThat(provisioning.status()).as(provisioning.toString()).isEqualTo(200 + 1);
        String secret = tokenOf(provisioning.json().get("url").asText());
        JsonNode code = only("reader_provisioning");
        assertThat(get("/q/" + secret).header("Location")).endsWith(ReaderSync.PATH + secret);
        assertThat(get(ReaderSync.PATH + secret).status()).isEqualTo(200);
        HttpResult revoked = server.post("/api/v1/codes/" + code.get("id").asText() + "/revoke", "");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(get(ReaderSync.PATH + secret).status()).isEqualTo(410);
        assertThat(audited("reader.provisioning.end")).containsExactly("code_revoked");
    }

    HttpResult get(String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).GET()
                .header("User-Agent", UserAgentStrings.ANDROID_CHROME), null);
    }

    JsonNode only(String purpose) {
        JsonNode codes = server.get("/api/v1/codes?purpose=" + purpose).json().get("codes");
        assertThat(codes).hasSize(1);
        return codes.get(0);
    }

    List<String> ids(String path) {
        List<String> ids = new ArrayList<>();
        server.get(path).json().get("codes").forEach(code -> ids.add(code.get("id").asText()));
        return ids;
    }

    /** The reasons of the audit records of {@code action}. */
    List<String> audited(String action) {
        server.sealAudit();
        List<String> reasons = new ArrayList<>();
        server.get("/api/v1/audit?limit=200&action=" + action).json().get("records").forEach(record ->
                reasons.add(record.get("reason").isNull() ? "" : record.get("reason").asText()));
        return reasons;
    }

    static String tokenOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
