package io.gatehouse.server.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.passkey.TestPhone;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
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
 * "Sign in with your phone" over HTTP, with a test authenticator as the phone: the happy path to a completion
 * token, and each QRLjacking defence (number matching, expiry, the first phone binds, single use, the browser's
 * secret).
 */
@DatabaseTest
class LoginRequestsTest {
    private static final ClientInfo SIGN_IN_PAGE = ClientInfo.of("127.0.0.1", "test");

    @TempDir
    Path dir;
    private TestServer server;
    private TestPhone phone;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        String userId = server.post("/api/v1/users", Map.of("username", "ada")).json().get("id").asText();
        phone = TestPhone.enroll(server, userId);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void an_approved_request_yields_one_completion_token_that_signs_in_the_passkeys_person() {
        JsonNode created = create("Vault");
        String url = created.get("loginRequest").asText();
        assertThat(url).startsWith(server.gatehouse().baseUrl() + LoginRequests.PHONE_PATH);
        String handle = handle(created);
        assertThat(handle).hasSizeGreaterThanOrEqualTo(26);
        // Only the random handle: the number the browser shows travels nowhere in the link.
        assertThat(url).matches(java.util.regex.Pattern.quote(server.gatehouse().baseUrl() + LoginRequests.PHONE_PATH)
                + "[a-z2-7]{26,}");
        assertThat(status(created).get("state").asText()).isEqualTo("pending");

        HttpResult page = server.get(url, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(page.text()).contains("Vault").contains("127.0.0.0/24").contains("data-choice=\""
                + created.get("number").asText() + "\"");
        assertThat(choices(page.text())).hasSize(3).doesNotHaveDuplicates().contains(created.get("number").asInt());

        HttpResult approved = approve(handle, created.get("number").asInt(), true);
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        assertThat(approved.json().get("application").asText()).isEqualTo("Vault");

        JsonNode done = status(created);
        assertThat(done.get("state").asText()).isEqualTo("approved");
        String token = done.get("completionToken").asText();
        assertThat(status(created).has("completionToken")).as("the token is handed out once").isFalse();

        LoginRequests.Completed completed = server.gatehouse().logins().complete(token, SIGN_IN_PAGE);
        assertThat(completed.userId()).isEqualTo(phone.userId());
        assertThat(completed.deviceId()).isEqualTo(phone.deviceId());
        assertThat(completed.amr()).containsExactly("hwk", "user");
        assertThat(completed.userVerified()).isTrue();
        assertThat(status(created).get("state").asText()).isEqualTo("completed");
        assertThat(actions(phone.userId())).contains("login.request.approve", "login.request.complete");
        assertThat(server.get("/api/v1/audit?action=login.request.create").json().get("records")).hasSize(1);
    }

    @Test
    void deleting_the_person_erases_the_requests_their_phone_answered() {
        JsonNode created = create("Vault");
        assertThat(approve(handle(created), created.get("number").asInt(), true).status()).isEqualTo(200);
        assertThat(server.delete("/api/v1/users/" + phone.userId()).status()).isIn(200, 204);
        assertThat(poll(created.get("id").asText(), created.get("secret").asText()).status()).isEqualTo(404);
        JsonNode erased = server.get("/api/v1/audit?action=user.delete").json().get("records").get(0)
                .get("details").get("erased");
        assertThat(erased.get("loginRequests").asInt()).isEqualTo(1);
    }

    @Test
    void requests_older_than_a_day_are_pruned() {
        JsonNode old = create("Vault");
        server.clock().advance(LoginRequests.KEEP.plusSeconds(1));
        JsonNode recent = create("Vault");
        assertThat(server.gatehouse().logins().prune()).isEqualTo(1);
        assertThat(poll(old.get("id").asText(), old.get("secret").asText()).status()).isEqualTo(404);
        assertThat(status(recent).get("state").asText()).isEqualTo("pending");
    }

    @Test
    void a_wrong_number_denies_the_request_for_good_and_is_audited() {
        JsonNode created = create("Vault");
        int right = created.get("number").asInt();
        int wrong = choices(server.get(created.get("loginRequest").asText(), null).text()).stream()
                .filter(choice -> choice != right).findFirst().orElseThrow();
        HttpResult refused = approve(handle(created), wrong, true);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("wrong_number");

        HttpResult again = server.post(LoginRequests.PHONE_PATH + handle(created) + "/options", Map.of(), null);
        assertThat(again.status()).as("the relayer cannot try the other two").isEqualTo(409);
        assertThat(again.json().get("code").asText()).isEqualTo("login_request_answered");
        JsonNode denied = status(created);
        assertThat(denied.get("state").asText()).isEqualTo("denied");
        assertThat(denied.get("reason").asText()).isEqualTo("wrong_number");
        assertThat(denied.has("completionToken")).isFalse();
        assertThat(server.get(created.get("loginRequest").asText(), null).status()).isEqualTo(409);
        assertThat(right).isNotEqualTo(wrong);
        JsonNode deny = server.get("/api/v1/audit?action=login.request.deny").json().get("records").get(0);
        assertThat(deny.get("reason").asText()).isEqualTo("wrong_number");
    }

    @Test
    void options_fetched_for_one_request_cannot_approve_another_and_the_refusal_is_audited() {
        JsonNode a = create("Vault");
        JsonNode b = create("Vault");
        JsonNode optionsOfA = options(handle(a));
        JsonNode answerForA = phone.assertion(optionsOfA.get("publicKey"));

        HttpResult refused = answer(handle(b), b.get("number").asInt(), optionsOfA, answerForA);
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("ceremony_mismatch");
        JsonNode denied = status(b);
        assertThat(denied.get("state").asText()).isEqualTo("denied");
        assertThat(denied.get("reason").asText()).isEqualTo("ceremony_mismatch");
        JsonNode deny = server.get("/api/v1/audit?action=login.request.deny&reason=ceremony_mismatch").json()
                .get("records");
        assertThat(deny).hasSize(1);
        assertThat(deny.get(0).get("subject").asText()).isEqualTo("login:" + b.get("id").asText());
        assertThat(deny.get(0).get("details").get("ceremonyStartedBy").asText())
                .isEqualTo("login:" + a.get("id").asText());

        HttpResult unknown = answer(handle(create("Vault")), 10, Json.MAPPER.createObjectNode()
                .put("ceremonyId", "pkc_none"), answerForA);
        assertThat(unknown.json().get("code").asText()).as("a ceremony no request started").isEqualTo(
                "ceremony_mismatch");

        HttpResult approved = answer(handle(a), a.get("number").asInt(), optionsOfA, answerForA);
        assertThat(approved.status()).as("the answer still counts for its own request: " + approved.text())
                .isEqualTo(200);
    }

    @Test
    void one_network_creates_at_most_20_requests_a_minute_then_gets_429_with_retry_after_audited_once() {
        create("Vault");
        server.clock().advance(Duration.ofSeconds(10));
        for (int i = 1; i < CreationLimit.MAX_PER_WINDOW; i++) {
            create("Vault");
        }
        HttpResult refused = server.post("/login/requests", Map.of("application", "Vault"), null);
        assertThat(refused.status()).as(refused.text()).isEqualTo(429);
        assertThat(refused.json().get("code").asText()).isEqualTo("too_many_login_requests");
        assertThat(refused.header("Retry-After")).as("until the oldest leaves the minute").isEqualTo("50");
        assertThat(server.post("/login/requests", Map.of("application", "Vault"), null).status()).isEqualTo(429);

        server.clock().advance(Duration.ofSeconds(50));
        create("Vault");
        HttpResult full = server.post("/login/requests", Map.of("application", "Vault"), null);
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.header("Retry-After")).isEqualTo("10");
        JsonNode audited = server.get("/api/v1/audit?action=login.request.create&result=denied").json()
                .get("records");
        assertThat(audited).as("one record per source and minute, not one per refusal").hasSize(1);
        assertThat(audited.get(0).get("reason").asText()).isEqualTo("too_many_login_requests");
        assertThat(audited.get(0).get("details").get("source").asText()).isEqualTo("127.0.0.1");
        assertThat(ClientInfo.of("2001:db8:1:2:3:4:5:6", "ua").network()).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientInfo.of("::ffff:203.0.113.7", "ua").network()).isEqualTo("203.0.113.7");
    }

    @Test
    void a_pending_poll_says_to_ask_again_in_a_second_and_an_answered_one_does_not() {
        JsonNode created = create("Vault");
        HttpResult pending = poll(created.get("id").asText(), created.get("secret").asText());
        assertThat(pending.json().get("state").asText()).isEqualTo("pending");
        assertThat(pending.header("Retry-After")).isEqualTo("1");
        assertThat(pending.header("Cache-Control")).contains("no-store");
        assertThat(approve(handle(created), created.get("number").asInt(), true).status()).isEqualTo(200);
        HttpResult approved = poll(created.get("id").asText(), created.get("secret").asText());
        assertThat(approved.json().get("state").asText()).isEqualTo("approved");
        assertThat(approved.header("Retry-After")).isNull();
    }

    @Test
    void the_phone_may_decline_and_the_request_is_then_denied_for_good() {
        JsonNode created = create("Vault");
        HttpResult declined = server.post(LoginRequests.PHONE_PATH + handle(created) + "/decline", Map.of(), null);
        assertThat(declined.status()).as(declined.text()).isEqualTo(200);
        assertThat(declined.json().get("state").asText()).isEqualTo("denied");
        assertThat(status(created).get("reason").asText()).isEqualTo("declined");
        assertThat(server.post(LoginRequests.PHONE_PATH + handle(created) + "/decline", Map.of(), null).status())
                .isEqualTo(409);
        assertThat(server.get("/api/v1/audit?action=login.request.deny&reason=declined").json().get("records"))
                .hasSize(1);
    }

    @Test
    void the_applications_name_comes_back_escaped_on_the_phone() {
        for (String hostile : List.of("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>")) {
            JsonNode created = create(hostile);
            String page = server.get(created.get("loginRequest").asText(), null).text();
            assertThat(page).doesNotContain(hostile).doesNotContain("<img").doesNotContain("<script>alert");
            assertThat(page).contains("&lt;");
        }
    }

    @Test
    void a_request_expires_after_60_seconds() {
        JsonNode created = create("Vault");
        server.clock().advance(LoginRequests.LIFETIME);
        assertThat(status(created).get("state").asText()).isEqualTo("expired");
        assertThat(server.get(created.get("loginRequest").asText(), null).status()).isEqualTo(410);
        HttpResult options = server.post(LoginRequests.PHONE_PATH + handle(created) + "/options", Map.of(), null);
        assertThat(options.status()).isEqualTo(410);
        assertThat(options.json().get("code").asText()).isEqualTo("login_request_expired");
    }

    @Test
    void the_first_phone_to_answer_binds_the_request_and_a_second_phone_is_refused() {
        String otherId = server.post("/api/v1/users", Map.of("username", "eve")).json().get("id").asText();
        TestPhone other = TestPhone.enroll(server, otherId);
        JsonNode created = create("Vault");
        JsonNode firstOptions = options(handle(created));
        JsonNode secondOptions = options(handle(created));
        HttpResult first = answer(handle(created), created.get("number").asInt(), firstOptions,
                phone.assertion(firstOptions.get("publicKey")));
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        HttpResult second = answer(handle(created), created.get("number").asInt(), secondOptions,
                other.assertion(secondOptions.get("publicKey")));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("code").asText()).isEqualTo("login_request_answered");
        String token = status(created).get("completionToken").asText();
        assertThat(server.gatehouse().logins().complete(token, SIGN_IN_PAGE).userId()).isEqualTo(phone.userId());
    }

    @Test
    void an_approval_without_user_verification_is_refused_and_leaves_the_request_pending() {
        JsonNode created = create("Vault");
        HttpResult refused = approve(handle(created), created.get("number").asInt(), false);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asText()).isEqualTo("user_verification_missing");
        assertThat(status(created).get("state").asText()).isEqualTo("pending");
    }

    @Test
    void a_suspended_persons_phone_cannot_approve() {
        JsonNode created = create("Vault");
        assertThat(server.post("/api/v1/users/" + phone.userId() + "/suspend", "").status()).isEqualTo(200);
        HttpResult refused = approve(handle(created), created.get("number").asInt(), true);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("user_suspended");
        assertThat(status(created).get("state").asText()).isEqualTo("pending");
    }

    @Test
    void a_completion_token_is_spent_once_and_expires_after_60_seconds() {
        String token = approvedToken();
        server.gatehouse().logins().complete(token, SIGN_IN_PAGE);
        assertThatThrownBy(() -> server.gatehouse().logins().complete(token, SIGN_IN_PAGE))
                .isInstanceOfSatisfying(GatehouseException.class, e ->
                        assertThat(e.code()).isEqualTo("completion_token_used"));

        String late = approvedToken();
        server.clock().advance(LoginRequests.TOKEN_LIFETIME);
        assertThatThrownBy(() -> server.gatehouse().logins().complete(late, SIGN_IN_PAGE))
                .isInstanceOfSatisfying(GatehouseException.class, e ->
                        assertThat(e.code()).isEqualTo("completion_token_expired"));
        assertThatThrownBy(() -> server.gatehouse().logins().complete("glc_unknown", SIGN_IN_PAGE))
                .isInstanceOfSatisfying(GatehouseException.class, e ->
                        assertThat(e.code()).isEqualTo("completion_token_unknown"));
        JsonNode refusals = server.get("/api/v1/audit?action=login.request.complete&result=denied").json()
                .get("records");
        assertThat(refusals).hasSize(2);
    }

    @Test
    void an_approval_not_collected_within_60_seconds_expires() {
        JsonNode created = create("Vault");
        assertThat(approve(handle(created), created.get("number").asInt(), true).status()).isEqualTo(200);
        server.clock().advance(LoginRequests.TOKEN_LIFETIME.plus(Duration.ofSeconds(1)));
        JsonNode late = status(created);
        assertThat(late.get("state").asText()).isEqualTo("expired");
        assertThat(late.has("completionToken")).isFalse();
    }

    @Test
    void only_the_browser_that_holds_the_secret_may_poll() {
        JsonNode mine = create("Vault");
        JsonNode theirs = create("Vault");
        HttpResult wrong = poll(mine.get("id").asText(), theirs.get("secret").asText());
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("code").asText()).isEqualTo("login_request_secret");
        assertThat(poll(mine.get("id").asText(), null).status()).isEqualTo(403);
        assertThat(poll("lrq_none", mine.get("secret").asText()).status()).isEqualTo(404);
    }

    @Test
    void a_request_needs_the_applications_name() {
        HttpResult missing = server.post("/login/requests", Map.of(), null);
        assertThat(missing.status()).isEqualTo(400);
        HttpResult blank = server.post("/login/requests", Map.of("application", " "), null);
        assertThat(blank.status()).isEqualTo(400);
        assertThat(server.get(LoginRequests.PHONE_PATH + "unknown", null).status()).isEqualTo(404);
    }

    @Test
    void the_browser_is_described_roughly_and_the_address_truncated() {
        assertThat(BrowserDescription.of("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/131.0.0.0 Safari/537.36")).isEqualTo("Chrome 131 on Linux");
        assertThat(BrowserDescription.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
                + " Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")).isEqualTo("Edge 131 on Windows");
        assertThat(BrowserDescription.of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
                + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).isEqualTo("Safari 17 on iOS");
        assertThat(BrowserDescription.of(null)).isEqualTo("an unnamed browser");
        ApproximateLocation location = ApproximateLocation.truncatedAddress();
        assertThat(location.describe("203.0.113.7")).isEqualTo("203.0.113.0/24");
        assertThat(location.describe("2001:db8:1234:5678::1")).isEqualTo("2001:db8:1234::/48");
        assertThat(location.describe(null)).isEqualTo("an unknown network");
    }

    private String approvedToken() {
        JsonNode created = create("Vault");
        assertThat(approve(handle(created), created.get("number").asInt(), true).status()).isEqualTo(200);
        return status(created).get("completionToken").asText();
    }

    private JsonNode create(String application) {
        HttpResult created = server.post("/login/requests", Map.of("application", application), null);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json();
    }

    private static String handle(JsonNode created) {
        String url = created.get("loginRequest").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private JsonNode status(JsonNode created) {
        HttpResult status = poll(created.get("id").asText(), created.get("secret").asText());
        assertThat(status.status()).as(status.text()).isEqualTo(200);
        return status.json();
    }

    private HttpResult poll(String id, String secret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/login/requests/" + id + "/status")).GET();
        if (secret != null) {
            request.header(LoginController.SECRET_HEADER, secret);
        }
        return server.send(request, null);
    }

    private JsonNode options(String handle) {
        HttpResult options = server.post(LoginRequests.PHONE_PATH + handle + "/options", Map.of(), null);
        assertThat(options.status()).as(options.text()).isEqualTo(200);
        return options.json();
    }

    private HttpResult approve(String handle, int number, boolean userVerified) {
        JsonNode options = options(handle);
        return answer(handle, number, options, phone.assertion(options.get("publicKey"), userVerified));
    }

    private HttpResult answer(String handle, int number, JsonNode options, JsonNode credential) {
        return server.post(LoginRequests.PHONE_PATH + handle + "/approve", Map.of("number", number, "ceremonyId",
                options.get("ceremonyId").asText(), "credential", credential), null);
    }

    private List<String> actions(String userId) {
        List<String> actions = new ArrayList<>();
        server.get("/api/v1/audit?user=" + userId).json().get("records").forEach(record ->
                actions.add(record.get("action").asText()));
        return actions;
    }

    private static List<Integer> choices(String page) {
        List<Integer> choices = new ArrayList<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("data-choice=\"(\\d+)\"").matcher(page);
        while (matcher.find()) {
            choices.add(Integer.parseInt(matcher.group(1)));
        }
        return choices;
    }
}
