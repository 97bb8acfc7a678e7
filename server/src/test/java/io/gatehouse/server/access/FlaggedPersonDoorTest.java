package io.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The door action of the alerts: a door with {@code requireUserVerificationWhenFlagged} refuses a flagged person's
 * code made without user verification ({@code flagged_user_verification_required}, audited), admits their code with
 * it, and leaves everyone else (and every other door) as it was; resolving the alert unflags the person.
 */
@DatabaseTest
class FlaggedPersonDoorTest {
    @TempDir
    Path data;
    TestServer server;
    String doorId;
    String otherDoorId;
    String reader;
    String otherReader;
    String aliceId;
    DoorAccessTest.Phone alice;
    DoorAccessTest.Phone bob;

    @BeforeEach
    void start() {
        server = TestServer.start(data, Map.of("alerts.flag-minutes", "30"));
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        String zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        doorId = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Server room",
                "requireUserVerificationWhenFlagged", true));
        otherDoorId = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Kitchen"));
        reader = readerFor(doorId);
        otherReader = readerFor(otherDoorId);
        server.createdId("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        aliceId = server.createdId("/api/v1/users", Map.of("username", "alice", "roles", List.of("staff")));
        alice = enroll(aliceId);
        bob = enroll(server.createdId("/api/v1/users", Map.of("username", "bob", "roles", List.of("staff"))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_setting_is_off_by_default_and_shown_and_changed_through_the_door_api() {
        assertThat(server.get("/api/v1/doors/" + otherDoorId).json().get("requireUserVerificationWhenFlagged")
                .asBoolean()).isFalse();
        assertThat(server.get("/api/v1/doors/" + doorId).json().get("requireUserVerificationWhenFlagged")
                .asBoolean()).isTrue();
        HttpResult changed = server.patch("/api/v1/doors/" + otherDoorId,
                Map.of("requireUserVerificationWhenFlagged", true));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.json().get("requireUserVerificationWhenFlagged").asBoolean()).isTrue();
        JsonNode audited = server.get("/api/v1/audit?action=door.update").json().get("records").get(0);
        assertThat(audited.get("details").toString()).contains("requireUserVerificationWhenFlagged");
    }

    @Test
    void a_flagged_person_needs_user_verification_at_the_door_until_the_alert_is_resolved() {
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        String alert = flag(aliceId);

        assertDecision(scan(reader, alice.proof(now(), false)), "deny", "flagged_user_verification_required");
        JsonNode denied = server.get("/api/v1/audit?action=door.scan&result=deny").json().get("records").get(0);
        assertThat(denied.get("user").asText()).isEqualTo(aliceId);
        assertThat(denied.get("reason").asText()).isEqualTo("flagged_user_verification_required");
        assertThat(denied.get("details").get("flaggedBy").asText()).isEqualTo("failure_spike");
        assertThat(denied.get("details").get("detail").asText()).contains("flagged by an unresolved failure_spike");

        assertDecision(scan(reader, alice.proof(now(), true)), "grant", null);
        assertDecision(scan(otherReader, alice.proof(now(), false)), "grant", null);
        assertDecision(scan(reader, bob.proof(now(), false)), "grant", null);

        assertThat(server.post("/api/v1/alerts/" + alert + "/resolve", Map.of("note", "a typo")).status())
                .isEqualTo(200);
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
    }

    @Test
    void the_flag_ages_out_after_the_flag_window() {
        flag(aliceId);
        assertDecision(scan(reader, alice.proof(now(), false)), "deny", "flagged_user_verification_required");
        server.clock().advance(Duration.ofMinutes(31));
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
    }

    /** Five failed verifications of {@code userId} from one address, as the verifier audits them: a failure spike. */
    private String flag(String userId) {
        ClientInfo attacker = ClientInfo.of("203.0.113.9", "curl/8");
        server.gatehouse().services().core().database().inTransaction(tx -> {
            for (int i = 0; i < 5; i++) {
                server.gatehouse().services().core().audit().append(tx, AuditEvent.of("token:app", "totp.verify",
                        attacker).user(userId).reason("invalid_code").result("rejected"));
            }
            return null;
        });
        server.sealAudit();
        while (server.gatehouse().alerts().step() > 0) {
            // read everything committed
        }
        JsonNode alerts = server.get("/api/v1/alerts?rule=failure_spike").json().get("alerts");
        assertThat(alerts).hasSize(1);
        return alerts.get(0).get("id").asText();
    }

    private String readerFor(String door) {
        HttpResult result = server.post("/api/v1/readers", Map.of("doorId", door, "name", "reader of " + door));
        assertThat(result.status()).isEqualTo(201);
        return result.json().get("credential").asText();
    }

    private DoorAccessTest.Phone enroll(String userId) {
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        KeyPair keys = ProofSigner.generateP256(DoorAccessTest.RANDOM);
        Enrollment enrollment = new EnrollmentClient().enroll(URI.create(link.json().get("enrollmentUrl").asText()),
                keys.getPublic(), DeviceFacts.cli());
        return new DoorAccessTest.Phone(enrollment.credentialId(), enrollment.deviceId(),
                new ProofSigner(keys.getPrivate()));
    }

    private long now() {
        return server.clock().instant().getEpochSecond();
    }

    private HttpResult scan(String readerCredential, String payload) {
        return server.post("/api/v1/scans", Map.of("payload", payload), readerCredential);
    }

    private static void assertDecision(HttpResult result, String decision, String reason) {
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(result.json().get("decision").asText()).as(result.toString()).isEqualTo(decision);
        assertThat(result.json().get("reason").isNull() ? null : result.json().get("reason").asText())
                .as(result.toString()).isEqualTo(reason);
    }
}
