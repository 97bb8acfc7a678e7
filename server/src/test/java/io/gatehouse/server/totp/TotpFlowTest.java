package io.gatehouse.server.totp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.codec.Base32;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.ExternalTool;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TOTP for privileged accounts, end to end over HTTP against the test database. */
@DatabaseTest
class TotpFlowTest {
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

    record Enrollment(String url, String otpauthUri, byte[] seed, TotpParameters parameters) {
    }

    String createUser(String username, String... roles) {
        HttpResult created = server.post("/api/v1/users", Map.of("username", username, "roles", List.of(roles)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    Enrollment startEnrollment(String userId) {
        HttpResult created = server.post("/api/v1/users/" + userId + "/totp/enrollments", "");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String url = created.json().get("enrollmentUrl").asText();
        assertThat(created.json().get("expiresAt").asText()).isNotBlank();
        HttpResult page = server.get(url, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        Matcher uri = Pattern.compile("id=\"uri\">([^<]+)<").matcher(page.text());
        assertThat(uri.find()).as("the page shows the otpauth URI").isTrue();
        String otpauth = uri.group(1).replace("&amp;", "&");
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(otpauth);
        Matcher secret = Pattern.compile("id=\"secret\">([^<]+)<").matcher(page.text());
        assertThat(secret.find()).as("the page shows the secret for manual entry").isTrue();
        assertThat(Base32.decode(secret.group(1))).isEqualTo(parsed.secret());
        return new Enrollment(url, otpauth, parsed.secret(), parsed.params());
    }

    String codeAt(Enrollment enrollment, long epochSecond) {
        return new Totp(enrollment.parameters(), enrollment.seed()).codeAt(epochSecond);
    }

    long count(String sql) {
        return server.gatehouse().services().core().database().read(tx -> tx.queryLong(sql));
    }

    long now() {
        return server.clock().instant().getEpochSecond();
    }

    /** Enrolls and activates; returns the enrollment and its recovery codes. */
    Map.Entry<Enrollment, List<String>> enrolled(String username) {
        String id = createUser(username, "admins");
        Enrollment enrollment = startEnrollment(id);
        HttpResult activated = server.post(enrollment.url() + "/activate",
                Map.of("code", codeAt(enrollment, now())), null);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        activated.json().get("recoveryCodes").forEach(code -> codes.add(code.asText()));
        return Map.entry(enrollment, codes);
    }

    HttpResult verify(String username, String code) {
        return server.post("/api/v1/totp/verify", Map.of("username", username, "code", code));
    }

    /** Moves the clock to the start of the next time step, so a fresh code is available. */
    void nextStep(Enrollment enrollment) {
        long period = enrollment.parameters().periodSeconds();
        server.clock().advance(Duration.ofSeconds(period - (now() % period)));
    }

    HttpResult activateByForm(Enrollment enrollment, String code) {
        return server.send(HttpRequest.newBuilder(server.uri(enrollment.url() + "/activate"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=" + code)), null);
    }

    @Test
    void the_enrollment_form_activates_and_shows_the_recovery_codes_as_a_page() {
        Enrollment enrollment = startEnrollment(createUser("form.olga", "admins"));

        HttpResult wrong = activateByForm(enrollment, codeAt(enrollment, now() + 3600));
        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(422);
        assertThat(wrong.contentType()).startsWith("text/html");
        assertThat(wrong.text()).contains("invalid_code");

        HttpResult page = activateByForm(enrollment, codeAt(enrollment, now()));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(Pattern.compile("<li>[a-z2-7]{5}-[a-z2-7]{5}</li>").matcher(page.text()).results().count())
                .isEqualTo(10);

        HttpResult again = activateByForm(enrollment, codeAt(enrollment, now()));
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.text()).contains("enrollment_used");
    }

    @Test
    void enrollment_png_decoded_by_zbarimg_yields_exactly_the_otpauth_uri() throws Exception {
        Path zbarimg = ExternalTool.require("zbarimg", "zbar-tools");
        Enrollment enrollment = startEnrollment(createUser("png.alice", "admins"));
        HttpResult png = server.get(enrollment.url() + "/qr.png", null);
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).isEqualTo("image/png");
        Path file = data.resolve("enrollment.png");
        Files.write(file, png.bytes());
        ExternalTool.Result decoded = ExternalTool.run(Duration.ofSeconds(30), zbarimg.toString(), "--raw", "-q",
                "--nodbus", file.toString());
        assertThat(decoded.exitCode()).as(decoded.stderr()).isZero();
        assertThat(decoded.stdout().strip()).isEqualTo(enrollment.otpauthUri());
        assertThat(enrollment.otpauthUri()).startsWith("otpauth://totp/Gatehouse:png.alice?secret=")
                .contains("&issuer=Gatehouse");
    }

    @Test
    void enrollment_svg_is_served_and_decodes_to_the_same_uri() {
        Enrollment enrollment = startEnrollment(createUser("svg.bob"));
        HttpResult svg = server.get(enrollment.url() + "/qr.svg", null);
        assertThat(svg.status()).isEqualTo(200);
        assertThat(svg.contentType()).startsWith("image/svg+xml");
        assertThat(svg.text()).contains("<svg").contains("viewBox");
    }

    @ParameterizedTest(name = "{0}, {1} digits, {2} s")
    @CsvSource({"SHA1, 6, 30", "SHA256, 8, 30", "SHA512, 8, 60", "SHA256, 6, 60"})
    void codes_made_by_oathtool_are_accepted(String algorithm, int digits, int period) {
        Path oathtool = ExternalTool.require("oathtool", "oathtool");
        HttpResult policy = server.put("/api/v1/policies/ops", Map.of("algorithm", algorithm, "digits", digits,
                "periodSeconds", period, "totpRequired", true));
        assertThat(policy.status()).as(policy.toString()).isEqualTo(200);
        Enrollment enrollment = startEnrollment(createUser("oath." + algorithm + digits + period, "ops"));
        assertThat(enrollment.parameters()).isEqualTo(
                new TotpParameters(OtpAlgorithm.valueOf(algorithm), digits, period));
        assertThat(enrollment.otpauthUri()).contains("algorithm=" + algorithm).contains("digits=" + digits)
                .contains("period=" + period);
        String username = "oath." + algorithm + digits + period;

        HttpResult activated = server.post(enrollment.url() + "/activate",
                Map.of("code", oathtool(oathtool, enrollment, now())), null);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
        nextStep(enrollment);
        HttpResult accepted = verify(username, oathtool(oathtool, enrollment, now()));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.json().get("result").asText()).isEqualTo("accepted");
    }

    private static String oathtool(Path oathtool, Enrollment enrollment, long epochSecond) {
        TotpParameters p = enrollment.parameters();
        ExternalTool.Result result = ExternalTool.run(Duration.ofSeconds(10), oathtool.toString(),
                "--totp=" + p.algorithm().name().toLowerCase(java.util.Locale.ROOT), "--digits=" + p.digits(),
                "--time-step-size=" + p.periodSeconds() + "s", "--now=@" + epochSecond, "-b",
                Base32.encode(enrollment.seed()));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().strip();
    }

    @Test
    void activation_answers_recovery_codes_once_and_then_the_link_is_gone() {
        String id = createUser("carol", "admins");
        Enrollment enrollment = startEnrollment(id);
        HttpResult activated = server.post(enrollment.url() + "/activate",
                Map.of("code", codeAt(enrollment, now())), null);
        assertThat(activated.status()).isEqualTo(200);
        assertThat(activated.json().get("recoveryCodes")).hasSize(10);

        for (String suffix : List.of("", "/qr.png", "/qr.svg")) {
            assertThat(server.get(enrollment.url() + suffix, null).status()).isEqualTo(410);
        }
        HttpResult again = server.post(enrollment.url() + "/activate", Map.of("code", codeAt(enrollment, now())),
                null);
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(again.json().get("code").asText()).isEqualTo("enrollment_used");
        assertThat(count("SELECT COUNT(*) FROM totp_enrollments WHERE secret_ciphertext IS NOT NULL")).isZero();
        JsonNode user = server.get("/api/v1/users/" + id).json();
        assertThat(user.at("/totp/status").asText()).isEqualTo("active");
        assertThat(user.at("/totp/recoveryCodesRemaining").asInt()).isEqualTo(10);
    }

    @Test
    void the_activation_code_itself_cannot_be_replayed_at_verification() {
        String id = createUser("dave");
        Enrollment enrollment = startEnrollment(id);
        String code = codeAt(enrollment, now());
        assertThat(server.post(enrollment.url() + "/activate", Map.of("code", code), null).status()).isEqualTo(200);
        HttpResult replay = verify("dave", code);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.json().get("reason").asText()).isEqualTo("replayed");
    }

    @Test
    void a_wrong_first_code_keeps_the_link_alive() {
        Enrollment enrollment = startEnrollment(createUser("erin"));
        String wrong = codeAt(enrollment, now() - 600);
        HttpResult rejected = server.post(enrollment.url() + "/activate", Map.of("code", wrong), null);
        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.json().get("code").asText()).isEqualTo("invalid_code");
        assertThat(server.get(enrollment.url(), null).status()).isEqualTo(200);
        assertThat(server.post(enrollment.url() + "/activate", Map.of("code", codeAt(enrollment, now())), null)
                .status()).isEqualTo(200);
    }

    @Test
    void an_expired_link_is_dead_and_its_pending_secret_erased() {
        Enrollment enrollment = startEnrollment(createUser("frank"));
        server.clock().advance(Duration.ofMinutes(10).plusSeconds(1));
        HttpResult page = server.get(enrollment.url(), null);
        assertThat(page.status()).isEqualTo(410);
        HttpResult activation = server.post(enrollment.url() + "/activate",
                Map.of("code", codeAt(enrollment, now())), null);
        assertThat(activation.status()).isEqualTo(410);
        assertThat(activation.json().get("code").asText()).isIn("enrollment_expired");
        String status = server.gatehouse().services().core().database().read(tx -> tx.queryOne(
                "SELECT status FROM totp_enrollments", rs -> rs.getString(1)).orElseThrow());
        assertThat(status).isEqualTo("expired");
        assertThat(count("SELECT COUNT(*) FROM totp_enrollments WHERE secret_ciphertext IS NOT NULL")).isZero();
    }

    @Test
    void the_background_sweep_erases_expired_secrets_without_anyone_visiting() {
        startEnrollment(createUser("gina"));
        server.clock().advance(Duration.ofMinutes(11));
        assertThat(server.gatehouse().services().totp().enrollments().expireDue()).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM totp_enrollments WHERE secret_ciphertext IS NOT NULL")).isZero();
    }

    @Test
    void a_new_enrollment_leaves_the_active_credential_alone_until_activated() {
        var first = enrolled("hank");
        String id = server.get("/api/v1/users?limit=10").json().at("/users/0/id").asText();
        Enrollment second = startEnrollment(id);
        nextStep(first.getKey());
        assertThat(verify("hank", codeAt(first.getKey(), now())).status()).isEqualTo(200);
        nextStep(first.getKey());
        assertThat(server.post(second.url() + "/activate", Map.of("code", codeAt(second, now())), null).status())
                .isEqualTo(200);
        nextStep(first.getKey());
        HttpResult old = verify("hank", codeAt(first.getKey(), now()));
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.json().get("reason").asText()).isEqualTo("invalid_code");
        assertThat(verify("hank", codeAt(second, now())).status()).isEqualTo(200);
    }

    @Test
    void a_code_whose_step_was_accepted_is_rejected_as_replayed() {
        Enrollment enrollment = enrolled("ivy").getKey();
        nextStep(enrollment);
        String code = codeAt(enrollment, now());
        assertThat(verify("ivy", code).status()).isEqualTo(200);
        HttpResult replay = verify("ivy", code);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.json().get("result").asText()).isEqualTo("rejected");
        assertThat(replay.json().get("reason").asText()).isEqualTo("replayed");
        // The previous step's code is older than the accepted one: also refused.
        HttpResult older = verify("ivy", codeAt(enrollment, now() - enrollment.parameters().periodSeconds()));
        assertThat(older.json().get("reason").asText()).isEqualTo("replayed");
    }

    @Test
    void racing_requests_with_one_code_are_accepted_exactly_once() throws Exception {
        Enrollment enrollment = enrolled("jack").getKey();
        nextStep(enrollment);
        String code = codeAt(enrollment, now());
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResult>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return verify("jack", code);
                }));
            }
            go.countDown();
            int accepted = 0;
            for (Future<HttpResult> result : results) {
                HttpResult answer = result.get();
                if (answer.status() == 200) {
                    accepted++;
                } else {
                    assertThat(answer.json().get("reason").asText()).isEqualTo("replayed");
                }
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void five_failures_lock_the_source_with_429_and_the_lock_expires() {
        Enrollment enrollment = enrolled("kim").getKey();
        String wrong = codeAt(enrollment, now() - 3600);
        for (int i = 1; i <= 5; i++) {
            HttpResult failed = verify("kim", wrong);
            assertThat(failed.status()).as("attempt " + i).isEqualTo(401);
            assertThat(failed.json().get("reason").asText()).isEqualTo("invalid_code");
        }
        nextStep(enrollment);
        HttpResult locked = verify("kim", codeAt(enrollment, now()));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.json().get("reason").asText()).isEqualTo("locked");
        assertThat(locked.header("Retry-After")).isNotNull();
        assertThat(server.post("/api/v1/recovery/verify", Map.of("username", "kim", "code", "aaaaa-aaaaa"))
                .status()).as("recovery codes share the lock").isEqualTo(429);

        server.clock().advance(Duration.ofMinutes(5));
        nextStep(enrollment);
        HttpResult after = verify("kim", codeAt(enrollment, now()));
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        JsonNode user = server.get("/api/v1/users?limit=10").json().at("/users/0/totp");
        assertThat(user.get("consecutiveFailures").asInt()).isZero();
    }

    @Test
    void concurrent_failures_cannot_slip_past_the_source_threshold() throws Exception {
        Enrollment enrollment = enrolled("lea").getKey();
        String wrong = codeAt(enrollment, now() - 3600);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResult>> results = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                results.add(pool.submit(() -> verify("lea", wrong)));
            }
            int invalid = 0;
            int locked = 0;
            for (Future<HttpResult> result : results) {
                int status = result.get().status();
                invalid += status == 401 ? 1 : 0;
                locked += status == 429 ? 1 : 0;
            }
            assertThat(invalid).as("guesses checked before the source's lock").isEqualTo(5);
            assertThat(locked).isEqualTo(25);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void recovery_codes_work_once_and_the_remaining_count_is_visible() {
        var enrolled = enrolled("mia");
        List<String> codes = enrolled.getValue();
        HttpResult used = server.post("/api/v1/recovery/verify", Map.of("username", "mia", "code", codes.get(0)));
        assertThat(used.status()).as(used.toString()).isEqualTo(200);
        assertThat(used.json().get("recoveryCodesRemaining").asInt()).isEqualTo(9);
        HttpResult again = server.post("/api/v1/recovery/verify", Map.of("username", "mia", "code", codes.get(0)));
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().get("reason").asText()).isEqualTo("replayed");
        HttpResult upper = server.post("/api/v1/recovery/verify", Map.of("username", "mia",
                "code", codes.get(1).toUpperCase(java.util.Locale.ROOT).replace("-", "")));
        assertThat(upper.status()).as("case and dash do not matter").isEqualTo(200);
        String userId = server.get("/api/v1/users?limit=10").json().at("/users/0/id").asText();
        assertThat(server.get("/api/v1/users/" + userId).json().at("/totp/recoveryCodesRemaining").asInt())
                .isEqualTo(8);

        HttpResult regenerated = server.post("/api/v1/users/" + userId + "/recovery-codes", "");
        assertThat(regenerated.status()).isEqualTo(201);
        assertThat(server.post("/api/v1/recovery/verify", Map.of("username", "mia", "code", codes.get(2)))
                .json().get("reason").asText()).as("old codes die on regeneration").isEqualTo("invalid_code");
        String fresh = regenerated.json().get("recoveryCodes").get(0).asText();
        assertThat(server.post("/api/v1/recovery/verify", Map.of("username", "mia", "code", fresh)).status())
                .isEqualTo(200);
    }

    @Test
    void revocation_takes_effect_on_the_next_request() {
        Enrollment enrollment = enrolled("ned").getKey();
        String userId = server.get("/api/v1/users?limit=10").json().at("/users/0/id").asText();
        assertThat(server.delete("/api/v1/users/" + userId + "/totp").status()).isEqualTo(204);
        nextStep(enrollment);
        HttpResult after = verify("ned", codeAt(enrollment, now()));
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("reason").asText()).isEqualTo("not_enrolled");
        assertThat(server.delete("/api/v1/users/" + userId + "/totp").status()).isEqualTo(404);
        assertThat(count("SELECT COUNT(*) FROM totp_credentials WHERE secret_ciphertext IS NOT NULL")).isZero();
    }

    @Test
    void a_suspended_user_is_rejected_and_resuming_restores_access() {
        Enrollment enrollment = enrolled("olga").getKey();
        String userId = server.get("/api/v1/users?limit=10").json().at("/users/0/id").asText();
        assertThat(server.post("/api/v1/users/" + userId + "/suspend", "").status()).isEqualTo(200);
        nextStep(enrollment);
        HttpResult suspended = verify("olga", codeAt(enrollment, now()));
        assertThat(suspended.status()).isEqualTo(401);
        assertThat(suspended.json().get("reason").asText()).isEqualTo("suspended");
        assertThat(server.post("/api/v1/users/" + userId + "/resume", "").status()).isEqualTo(200);
        assertThat(verify("olga", codeAt(enrollment, now())).status()).isEqualTo(200);
    }

    @Test
    void verifications_are_audited_with_result_reason_client_and_agent() {
        Enrollment enrollment = enrolled("pam").getKey();
        nextStep(enrollment);
        verify("pam", codeAt(enrollment, now()));
        verify("pam", codeAt(enrollment, now()));
        JsonNode records = server.get("/api/v1/audit?user=pam").json().get("records");
        List<String> outcomes = new ArrayList<>();
        records.forEach(r -> outcomes.add(r.get("action").asText() + ":" + r.get("result").asText() + ":"
                + r.get("reason").asText()));
        assertThat(outcomes).contains("totp.verify:rejected:replayed", "totp.verify:accepted:null",
                "totp.enrollment.activate:accepted:null", "totp.enrollment.create:success:null",
                "user.create:success:null");
        JsonNode latest = records.get(0);
        assertThat(latest.get("clientAddress").asText()).isNotBlank();
        assertThat(latest.get("userAgent").asText()).contains("Java-http-client");
        assertThat(latest.get("actor").asText()).startsWith("token:");
        assertThat(latest.get("time").asText()).isNotBlank();
    }

    @Test
    void a_verify_scoped_token_can_verify_but_not_administer() {
        Enrollment enrollment = enrolled("quinn").getKey();
        HttpResult token = server.post("/api/v1/tokens", Map.of("name", "vpn", "scopes", List.of("verify")));
        assertThat(token.status()).isEqualTo(201);
        String appToken = token.json().get("token").asText();
        nextStep(enrollment);
        assertThat(server.post("/api/v1/totp/verify", Map.of("username", "quinn", "code",
                codeAt(enrollment, now())), appToken).status()).isEqualTo(200);
        HttpResult forbidden = server.post("/api/v1/users", Map.of("username", "x"), appToken);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("code").asText()).isEqualTo("insufficient_scope");
        assertThat(server.delete("/api/v1/tokens/" + token.json().get("id").asText()).status()).isEqualTo(204);
        assertThat(server.post("/api/v1/totp/verify", Map.of("username", "quinn", "code", "123456"), appToken)
                .status()).as("a revoked token stops working at once").isEqualTo(401);
    }
}
