package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.ServerPerTest;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Suspending a user, or revoking a credential of theirs, ends every pending enrollment link of that user: the TOTP
 * link (its seed erased) and the device link answer 410 from then on, also after a resume.
 */
@DatabaseTest
class PendingLinksTest extends ServerPerTest {
    static final SecureRandom RANDOM = new SecureRandom();

    String erinId;
    String totpLink;
    String deviceLink;

    @BeforeEach
    void setUp() {
        erinId = created("/api/v1/users", Map.of("username", "erin", "roles", List.of("admins"))).get("id");
        totpLink = created("/api/v1/users/" + erinId + "/totp/enrollments", Map.of()).get("enrollmentUrl");
        deviceLink = created("/api/v1/users/" + erinId + "/device-enrollments", Map.of()).get("enrollmentUrl");
        assertThat(server.get(totpLink, null).status()).as("the TOTP link works before").isEqualTo(200);
        assertThat(server.get(deviceLink, null).status()).as("the device link works before").isEqualTo(200);
    }

    Map<String, String> created(String path, Map<String, Object> body) {
        HttpResult result = server.post(path, body.isEmpty() ? "" : body);
        assertThat(result.status()).as(path + " " + result).isEqualTo(201);
        return Map.of("id", result.json().path("id").asText(), "enrollmentUrl",
                result.json().path("enrollmentUrl").asText());
    }

    long count(String sql, Object... args) {
        return database.read(tx -> tx.queryLong(sql, args));
    }

    String publicKey() {
        return Base64Url.encode(ProofSigner.generateP256(RANDOM).getPublic().getEncoded());
    }

    void assertBothLinksEnded(String reason) {
        HttpResult page = server.get(totpLink, null);
        assertThat(page.status()).as(page.toString()).isEqualTo(410);
        assertThat(page.text()).doesNotContain("id=\"secret\"");
        HttpResult activate = server.post(totpLink + "/activate", Map.of("code", "123456"), null);
        assertThat(activate.status()).as(activate.toString()).isEqualTo(410);
        assertThat(activate.json().get("code").asText()).isEqualTo("enrollment_revoked");
        assertThat(count("SELECT COUNT(*) FROM totp_enrollments WHERE user_id = ? AND (status <> 'revoked' OR"
                + " secret_ciphertext IS NOT NULL)", erinId)).as("ended, seed erased").isZero();

        assertThat(server.get(deviceLink, null).status()).isEqualTo(410);
        HttpResult enroll = server.post(deviceLink, Map.of("publicKey", publicKey()), null);
        assertThat(enroll.status()).as(enroll.toString()).isEqualTo(410);
        assertThat(enroll.json().get("code").asText()).isEqualTo("enrollment_revoked");
        assertThat(count("SELECT COUNT(*) FROM device_enrollments WHERE user_id = ? AND status = 'pending'", erinId))
                .isZero();

        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE action = 'totp.enrollment.end' AND subject_user = ?"
                + " AND reason = ?", erinId, reason)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE action = 'device.enrollment.end' AND subject_user = ?"
                + " AND reason = ?", erinId, reason)).isEqualTo(1);
    }

    @Test
    void suspension_ends_the_links_and_a_resume_does_not_revive_them() {
        assertThat(server.post("/api/v1/users/" + erinId + "/suspend", "").status()).isEqualTo(200);
        assertThat(server.post("/api/v1/users/" + erinId + "/resume", "").status()).isEqualTo(200);

        assertBothLinksEnded("user_suspended");
        assertThat(count("SELECT COUNT(*) FROM devices WHERE user_id = ?", erinId)).isZero();
        assertThat(count("SELECT COUNT(*) FROM totp_credentials WHERE user_id = ?", erinId)).isZero();
        HttpResult user = server.get("/api/v1/users/" + erinId);
        assertThat(user.json().at("/totp/pendingEnrollment").asBoolean()).isFalse();
    }

    @Test
    void links_made_after_the_resume_work() {
        server.post("/api/v1/users/" + erinId + "/suspend", "");
        server.post("/api/v1/users/" + erinId + "/resume", "");

        String fresh = created("/api/v1/users/" + erinId + "/device-enrollments", Map.of()).get("enrollmentUrl");

        HttpResult enrolled = server.post(fresh, Map.of("publicKey", publicKey()), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
    }

    @Test
    void revoking_the_users_totp_ends_the_device_link_too() {
        assertThat(server.delete("/api/v1/users/" + erinId + "/totp").status()).isEqualTo(204);

        assertBothLinksEnded("totp_revoked");
    }

    @Test
    void revoking_a_device_ends_the_users_pending_links() {
        Enrollment phone = new EnrollmentClient().enroll(URI.create(deviceLink),
                ProofSigner.generateP256(RANDOM).getPublic(), DeviceFacts.cli());
        deviceLink = created("/api/v1/users/" + erinId + "/device-enrollments", Map.of()).get("enrollmentUrl");

        assertThat(server.post("/api/v1/devices/" + phone.deviceId() + "/revoke", "").status()).isEqualTo(200);

        assertBothLinksEnded("device_revoked");
    }
}
