package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.server.access.DoorStore;
import io.gatehouse.server.device.DeviceCredential;
import io.gatehouse.server.device.DeviceStore;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.ServerPerTest;
import io.gatehouse.server.testing.TotpUsers;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /api/v1/users/{id}}: a person with a TOTP credential, recovery codes, a lockout in progress, pending
 * links, a door device and a rule of their own is deleted; nothing about them is left but audit records that name
 * them by id, their device no longer opens a door, and their name can be given to someone new.
 */
@DatabaseTest
class UserDeletionTest extends ServerPerTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final String NAME = "Quentin.Erasable";

    String userId;
    String zoneId;
    String reader;
    CredentialId credential;
    ProofSigner signer;

    @BeforeEach
    void setUp() {
        TotpUsers.enroll(server, NAME);
        userId = server.get("/api/v1/users?q=quentin").json().get("users").get(0).get("id").asText();
        String siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Lab"));
        String doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lab door"));
        reader = server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "lab reader")).json()
                .get("credential").asText();
        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "userId", userId));
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        KeyPair keys = ProofSigner.generateP256(RANDOM);
        Enrollment enrollment = new EnrollmentClient().enroll(URI.create(link.json().get("enrollmentUrl").asText()),
                keys.getPublic(), DeviceFacts.cli());
        credential = enrollment.credentialId();
        signer = new ProofSigner(keys.getPrivate());
        assertThat(scan().json().get("decision").asText()).isEqualTo("grant");
        // Pending links and a failure on record, so that each kind of row exists when the person is deleted.
        created("/api/v1/users/" + userId + "/device-enrollments", Map.of());
        server.post("/api/v1/totp/verify", Map.of("username", NAME, "code", "000000"));
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body.isEmpty() ? "" : body);
    }

    HttpResult scan() {
        String proof = signer.sign(ProofType.DEVICE_SIGNED, credential, server.clock().instant().getEpochSecond(),
                RANDOM.nextLong(), false).toText();
        return server.post("/api/v1/scans", Map.of("payload", proof), reader);
    }

    long count(String sql, Object... args) {
        return database.read(tx -> tx.queryLong(sql, args));
    }

    @Test
    void deletion_erases_every_row_about_the_person_in_one_go() {
        HttpResult deleted = server.delete("/api/v1/users/" + userId);

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        for (String table : List.of("users", "user_roles", "totp_credentials", "totp_enrollments", "recovery_codes",
                "totp_source_throttle", "totp_rejection_windows", "devices", "device_enrollments", "passkeys",
                "access_rules", "console_sessions")) {
            String column = table.equals("users") ? "id" : "user_id";
            assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?", userId)).as(table)
                    .isZero();
        }
        assertThat(server.get("/api/v1/users/" + userId).status()).isEqualTo(404);
    }

    @Test
    void the_audit_keeps_the_id_and_nothing_that_maps_it_back_to_the_name() {
        server.delete("/api/v1/users/" + userId);
        server.sealAudit();

        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE subject_user = ?", userId)).isPositive();
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE LOWER(COALESCE(subject, '') || ' '"
                + " || COALESCE(details, '') || ' ' || COALESCE(reason, '')) LIKE ?", "%quentin%")).isZero();
        JsonNode record = server.get("/api/v1/audit?action=user.delete&userId=" + userId).json().get("records")
                .get(0);
        assertThat(record.get("user").asText()).isEqualTo(userId);
        assertThat(record.get("actor").asText()).startsWith("token:");
        JsonNode erased = record.get("details").get("erased");
        assertThat(erased.get("devices").asInt()).isEqualTo(1);
        assertThat(erased.get("deviceEnrollments").asInt()).isEqualTo(2);
        assertThat(erased.get("totpCredentials").asInt()).isEqualTo(1);
        assertThat(erased.get("recoveryCodes").asInt()).isEqualTo(10);
        assertThat(erased.get("accessRules").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/audit?username=" + NAME).json().get("records")).as("no name resolves to it")
                .isEmpty();
    }

    @Test
    void a_deleted_persons_device_is_unknown_at_the_door_and_absent_from_bundles() {
        server.delete("/api/v1/users/" + userId);

        JsonNode decision = scan().json();
        assertThat(decision.get("decision").asText()).isEqualTo("deny");
        assertThat(decision.get("reason").asText()).isEqualTo("unknown_credential");
        // What the next bundle of the zone's readers lists.
        List<DeviceCredential> listed = database.read(tx -> DeviceStore.credentialsOf(tx,
                DoorStore.usersNamedIn(zoneId)));
        assertThat(listed).isEmpty();
    }

    @Test
    void a_deleted_persons_console_session_ends_at_once() {
        assertThat(server.put("/api/v1/users/" + userId + "/roles", Map.of("roles", List.of("helpdesk"))).status())
                .isEqualTo(200);
        ConsoleClient console = ConsoleClient.signIn(server, userId);
        assertThat(console.get("/console/sessions").status()).isEqualTo(200);

        server.delete("/api/v1/users/" + userId);

        assertThat(console.get("/console/sessions").status()).as("sent to sign in").isEqualTo(303);
    }

    @Test
    void the_name_is_free_again_and_a_second_delete_is_404() {
        server.delete("/api/v1/users/" + userId);

        HttpResult again = server.delete("/api/v1/users/" + userId);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asText()).isEqualTo("user_not_found");
        HttpResult reborn = server.post("/api/v1/users", Map.of("username", NAME.toLowerCase()));
        assertThat(reborn.status()).as(reborn.toString()).isEqualTo(201);
        assertThat(reborn.json().get("id").asText()).isNotEqualTo(userId);
        assertThat(reborn.json().get("totp").get("recoveryCodesRemaining").asInt()).isZero();
    }

    @Test
    void an_unknown_id_is_404_and_changes_nothing() {
        HttpResult answer = server.delete("/api/v1/users/usr_unknown");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(count("SELECT COUNT(*) FROM users WHERE id = ?", userId)).isOne();
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.delete'")).isZero();
    }
}
