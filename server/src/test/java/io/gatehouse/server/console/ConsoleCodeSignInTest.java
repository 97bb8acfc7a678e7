package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in to the console with a TOTP or recovery code: only where every role policy of the person allows it, with
 * the API's throttling, replay and lockout rules; a refused account spends none of its codes.
 */
@DatabaseTest
class ConsoleCodeSignInTest {
    @TempDir
    Path data;
    TestServer server;
    TotpUsers.Enrolled bob;
    String bobId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        bob = TotpUsers.enroll(server, "bob");
        bobId = server.gatehouse().services().people().users().idOfUsername("bob").orElseThrow();
        server.put("/api/v1/users/" + bobId + "/roles", Map.of("roles", List.of("security")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void without_a_policy_that_allows_it_a_right_code_is_refused_and_not_spent() {
        String code = bob.nextCode(server);

        HttpResult refused = codeSignIn("bob", code);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.text()).contains("signs in with a passkey").contains("data-page=\"sign-in\"");
        assertThat(refused.header("Set-Cookie")).isNull();
        HttpResult stillUnused = server.post("/api/v1/totp/verify", Map.of("username", "bob", "code", code));
        assertThat(stillUnused.json().get("result").asText()).isEqualTo("accepted");
    }

    @Test
    void with_the_policy_a_totp_code_signs_in_once_and_a_recovery_code_too() {
        server.put("/api/v1/policies/security", Map.of("consoleTotpSignIn", true));
        String code = bob.nextCode(server);

        HttpResult signedIn = codeSignIn("bob", code);

        assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(303);
        assertThat(signedIn.header("Location")).isEqualTo("/console");
        assertThat(signedIn.header("Set-Cookie")).startsWith("gh_console=ghs_").contains("HttpOnly")
                .contains("SameSite=Strict");
        assertThat(server.gatehouse().console().sessions().openSessions(bobId)).singleElement()
                .extracting(ConsoleSessions.Session::method).isEqualTo("totp");
        assertThat(codeSignIn("bob", code).status()).as("the same code again is a replay").isEqualTo(401);

        String recovery = server.post("/api/v1/users/" + bobId + "/recovery-codes", Map.of()).json()
                .get("recoveryCodes").get(0).asText();
        assertThat(codeSignIn("bob", recovery).status()).isEqualTo(303);
        assertThat(codeSignIn("bob", recovery).status()).as("a recovery code works once").isEqualTo(401);
    }

    @Test
    void a_person_with_another_role_whose_policy_forbids_it_signs_in_with_a_passkey_only() {
        server.put("/api/v1/policies/security", Map.of("consoleTotpSignIn", true));
        server.put("/api/v1/policies/auditor", Map.of("consoleTotpSignIn", false));
        server.put("/api/v1/users/" + bobId + "/roles", Map.of("roles", List.of("security", "auditor")));

        assertThat(codeSignIn("bob", bob.nextCode(server)).status()).isEqualTo(401);
    }

    @Test
    void wrong_codes_lock_the_account_as_the_api_does() {
        server.put("/api/v1/policies/security", Map.of("consoleTotpSignIn", true));
        HttpResult last = null;
        for (int i = 0; i < 12 && (last == null || last.status() != 429); i++) {
            last = codeSignIn("bob", "000000");
        }

        assertThat(last.status()).isEqualTo(429);
        assertThat(last.header("Retry-After")).isNotNull();
        assertThat(codeSignIn("bob", bob.nextCode(server)).status()).as("locked: even the right code").isEqualTo(429);
    }

    @Test
    void unknown_people_and_people_without_a_console_role_get_the_same_answer() {
        server.put("/api/v1/policies/security", Map.of("consoleTotpSignIn", true));
        HttpResult unknown = codeSignIn("nobody", "123456");
        server.put("/api/v1/users/" + bobId + "/roles", Map.of("roles", List.of("staff")));
        HttpResult noRole = codeSignIn("bob", bob.nextCode(server));

        assertThat(unknown.status()).isEqualTo(401);
        assertThat(noRole.status()).isEqualTo(401);
        assertThat(detail(unknown)).isEqualTo(detail(noRole));
    }

    @Test
    void a_code_counts_as_a_fresh_verification() {
        server.put("/api/v1/policies/security", Map.of("consoleTotpSignIn", true));
        ConsoleClient console = ConsoleClient.signIn(server, bobId);
        server.clock().advance(Duration.ofMinutes(6));
        long before = server.gatehouse().console().sessions().openSessions(bobId).get(0).verifiedAt();

        HttpResult verified = console.postForm("/console/verify/code", Map.of("_csrf",
                console.csrfFrom("/console/verify"), "code", bob.nextCode(server), "next", "/console/sessions"));

        assertThat(verified.status()).as(verified.text()).isEqualTo(303);
        assertThat(verified.header("Location")).isEqualTo("/console/sessions");
        assertThat(server.gatehouse().console().sessions().openSessions(bobId).get(0).verifiedAt())
                .isGreaterThan(before);
    }

    private HttpResult codeSignIn(String username, String code) {
        return ConsoleClient.anonymous(server).postForm("/console/sign-in/code", Map.of("username", username,
                "code", code, "next", "/console"));
    }

    private static String detail(HttpResult page) {
        return page.text().replaceAll("(?s).*<p class=\"error\">([^<]*)</p>.*", "$1");
    }
}
