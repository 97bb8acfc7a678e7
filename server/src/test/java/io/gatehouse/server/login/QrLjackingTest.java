package io.gatehouse.server.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.passkey.TestPhone;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QRLjacking walked through over HTTP: the attacker's browser asks for a login request and relays its link (the QR
 * code's text) to a victim, whose enrolled phone opens it. Each test is one defence of docs/security.md, "Sign in
 * with your phone and QRLjacking", and the last one what the defences do not stop.
 */
@DatabaseTest
class QrLjackingTest {
    private static final String ATTACKERS_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final Pattern CHOICE = Pattern.compile("<button[^>]*data-choice=\"(\\d{2})\"[^>]*>\\1</button>");

    @TempDir
    Path dir;
    private TestServer server;
    private TestPhone victim;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        victim = TestPhone.enroll(server, server.createdId("/api/v1/users", Map.of("username", "victim")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_victims_phone_shows_the_application_the_attackers_browser_its_network_and_the_time() {
        Instant asked = Instant.ofEpochMilli(server.clock().millis());
        Relayed relayed = attackerAsks("Payroll");

        HttpResult page = server.get(relayed.link(), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-login-approval");
        assertThat(fact(page.text(), "application")).isEqualTo("Payroll");
        assertThat(fact(page.text(), "browser")).isEqualTo("Chrome 131 on Linux");
        assertThat(fact(page.text(), "location")).isEqualTo("127.0.0.0/24");
        assertThat(page.text()).contains("<time datetime=\"" + asked + "\"");
        // The link holds the random handle and nothing else: not the number only the attacker's browser shows.
        assertThat(relayed.link()).matches(".*" + java.util.regex.Pattern.quote(LoginRequests.PHONE_PATH)
                + "[a-z2-7]{26,}");
    }

    @Test
    void the_phone_gives_nothing_that_tells_the_right_number_from_the_other_two() {
        Relayed relayed = attackerAsks("Payroll");
        String page = server.get(relayed.link(), null).text();
        List<Integer> choices = choices(page);
        assertThat(choices).hasSize(3).doesNotHaveDuplicates().contains(relayed.number());
        Matcher buttons = CHOICE.matcher(page);
        List<String> alike = new ArrayList<>();
        while (buttons.find()) {
            alike.add(buttons.group().replace(buttons.group(1), "NN"));
        }
        assertThat(alike).as("three buttons that differ only in their number").hasSize(3).containsOnly(alike.get(0));
        JsonNode options = options(relayed.handle()).json();
        assertThat(options.toString()).doesNotContain("\"" + relayed.number() + "\"");
    }

    @Test
    void a_wrong_guess_ends_the_request_for_good_and_the_attacker_cannot_try_again() {
        Relayed relayed = attackerAsks("Payroll");
        int guess = choices(server.get(relayed.link(), null).text()).stream()
                .filter(choice -> choice != relayed.number()).findFirst().orElseThrow();

        HttpResult wrong = victimApproves(victim, relayed, guess);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("code").asText()).isEqualTo("wrong_number");
        JsonNode attackerSees = attackerPolls(relayed).json();
        assertThat(attackerSees.get("state").asText()).isEqualTo("denied");
        assertThat(attackerSees.has("completionToken")).isFalse();

        assertThat(server.get(relayed.link(), null).status()).as("the relayed link is dead").isEqualTo(409);
        HttpResult retry = options(relayed.handle());
        assertThat(retry.status()).as("no options for the other two").isEqualTo(409);
        assertThat(retry.json().get("code").asText()).isEqualTo("login_request_answered");
        HttpResult right = server.post(LoginRequests.PHONE_PATH + relayed.handle() + "/approve", Map.of("number",
                relayed.number(), "ceremonyId", "pkc_any", "credential", Json.MAPPER.createObjectNode()), null);
        assertThat(right.status()).as("not even with the right number").isEqualTo(409);
        assertThat(server.get("/api/v1/audit?action=login.request.deny&reason=wrong_number").json()
                .get("records").get(0).get("user").asText()).isEqualTo(victim.userId());
    }

    @Test
    void the_request_expires_60_seconds_after_it_was_created() {
        Relayed relayed = attackerAsks("Payroll");
        server.clock().advance(LoginRequests.LIFETIME.minusSeconds(1));
        assertThat(server.get(relayed.link(), null).status()).isEqualTo(200);
        JsonNode options = options(relayed.handle()).json();

        server.clock().advance(Duration.ofSeconds(1));
        assertThat(server.get(relayed.link(), null).status()).isEqualTo(410);
        HttpResult late = answer(relayed, relayed.number(), options, victim.assertion(options.get("publicKey")));
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.json().get("code").asText()).isEqualTo("login_request_expired");
        assertThat(attackerPolls(relayed).json().get("state").asText()).isEqualTo("expired");
    }

    @Test
    void a_request_approved_by_one_phone_cannot_be_approved_by_a_second() {
        TestPhone second = TestPhone.enroll(server, server.createdId("/api/v1/users", Map.of("username",
                "bystander")));
        Relayed relayed = attackerAsks("Payroll");
        assertThat(victimApproves(victim, relayed, relayed.number()).status()).isEqualTo(200);

        HttpResult again = victimApproves(second, relayed, relayed.number());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asText()).isEqualTo("login_request_answered");
        String token = attackerPolls(relayed).json().get("completionToken").asText();
        assertThat(server.gatehouse().logins().complete(token, ClientInfo.of("127.0.0.1", ATTACKERS_BROWSER))
                .userId()).isEqualTo(victim.userId());
    }

    /**
     * Not stopped: a victim who is told the number (read off the attacker's screen over a call) and picks it signs
     * the attacker in. What is left is the audit record naming the browser and network the victim approved.
     */
    @Test
    void a_victim_who_is_told_the_number_signs_the_attacker_in() {
        Relayed relayed = attackerAsks("Payroll");
        assertThat(victimApproves(victim, relayed, relayed.number()).status()).isEqualTo(200);
        JsonNode attackerSees = attackerPolls(relayed).json();
        assertThat(attackerSees.get("state").asText()).isEqualTo("approved");
        String token = attackerSees.get("completionToken").asText();
        assertThat(server.gatehouse().logins().complete(token, ClientInfo.of("127.0.0.1", ATTACKERS_BROWSER))
                .userId()).isEqualTo(victim.userId());
        JsonNode create = server.get("/api/v1/audit?action=login.request.create").json().get("records").get(0);
        assertThat(create.get("details").get("browser").asText()).isEqualTo("Chrome 131 on Linux");
        assertThat(create.get("details").get("location").asText()).isEqualTo("127.0.0.0/24");
    }

    /** What the attacker's browser got, and the part of the link that the victim's phone opens. */
    private record Relayed(String id, String secret, String link, String handle, int number) {
    }

    private Relayed attackerAsks(String application) {
        HttpResult created = server.send(HttpRequest.newBuilder(server.uri("/login/requests"))
                .header("Content-Type", "application/json").header("User-Agent", ATTACKERS_BROWSER)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("application", application)))), null);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode body = created.json();
        String link = body.get("loginRequest").asText();
        return new Relayed(body.get("id").asText(), body.get("secret").asText(), link,
                link.substring(link.lastIndexOf('/') + 1), body.get("number").asInt());
    }

    private HttpResult attackerPolls(Relayed relayed) {
        HttpResult status = server.send(HttpRequest.newBuilder(server.uri("/login/requests/" + relayed.id()
                + "/status")).header(LoginController.SECRET_HEADER, relayed.secret()).GET(), null);
        assertThat(status.status()).as(status.text()).isEqualTo(200);
        return status;
    }

    private HttpResult options(String handle) {
        return server.post(LoginRequests.PHONE_PATH + handle + "/options", Map.of(), null);
    }

    private HttpResult victimApproves(TestPhone phone, Relayed relayed, int choice) {
        HttpResult options = options(relayed.handle());
        if (options.status() != 200) {
            return options;
        }
        return answer(relayed, choice, options.json(), phone.assertion(options.json().get("publicKey")));
    }

    private HttpResult answer(Relayed relayed, int choice, JsonNode options, JsonNode credential) {
        return server.post(LoginRequests.PHONE_PATH + relayed.handle() + "/approve", Map.of("number", choice,
                "ceremonyId", options.get("ceremonyId").asText(), "credential", credential), null);
    }

    private static String fact(String page, String name) {
        Matcher matcher = Pattern.compile("data-fact=\"" + name + "\">([^<]*)<").matcher(page);
        assertThat(matcher.find()).as("fact " + name).isTrue();
        return matcher.group(1);
    }

    private static List<Integer> choices(String page) {
        List<Integer> choices = new ArrayList<>();
        Matcher matcher = CHOICE.matcher(page);
        while (matcher.find()) {
            choices.add(Integer.parseInt(matcher.group(1)));
        }
        return choices;
    }
}
