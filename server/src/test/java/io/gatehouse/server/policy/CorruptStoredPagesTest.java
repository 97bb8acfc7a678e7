package io.gatehouse.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.ServerPerTest;
import io.gatehouse.server.testing.TotpUsers;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A page that shows its own refusals (an expired link, a wrong code) does not show a stored row this server cannot
 * read: that is the server's fault, answered as every fault is, with a 500 that names an incident id and nothing of
 * the row. A browser gets it as a page, an API client as a problem document.
 */
@DatabaseTest
class CorruptStoredPagesTest extends ServerPerTest {
    private static final Pattern INCIDENT = Pattern.compile("incident ([0-9a-f]+)");

    private void corrupt(String sql, Object... args) {
        database.inTransaction(tx -> tx.update(sql, args));
    }

    /** The incident id a page names; fails unless the page is a 500 that names one and none of {@code hidden}. */
    private static String incidentPage(HttpResult page, String... hidden) {
        assertThat(page.status()).as(page.toString()).isEqualTo(500);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("internal_error").doesNotContain("unreadable");
        for (String text : hidden) {
            assertThat(page.text()).doesNotContain(text);
        }
        Matcher incident = INCIDENT.matcher(page.text());
        assertThat(incident.find()).as(page.text()).isTrue();
        return incident.group(1);
    }

    @Test
    void a_phone_sign_in_page_whose_stored_request_is_unreadable_is_an_incident_page() {
        HttpResult created = server.post("/login/requests", Map.of("application", "Vault"), null);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String url = created.json().get("loginRequest").asText();
        corrupt("UPDATE login_requests SET state = 'limbo' WHERE id = ?", created.json().get("id").asText());

        HttpResult page = server.send(HttpRequest.newBuilder(server.uri(url)).header("Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").GET(), null);
        String first = incidentPage(page, "limbo", "login request");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(incidentPage(server.send(HttpRequest.newBuilder(server.uri(url)).header("Accept", "text/html")
                .GET(), null), "limbo")).as("each incident has its own id").isNotEqualTo(first);

        HttpResult api = server.get(url, null);
        assertThat(api.status()).as(api.toString()).isEqualTo(500);
        assertThat(api.contentType()).startsWith("application/problem+json");
        assertThat(api.json().path("code").asText()).isEqualTo("internal_error");
        assertThat(api.json().path("incident").asText()).isNotBlank();
        assertThat(api.text()).doesNotContain("limbo").doesNotContain("unreadable");
    }

    @Test
    void a_console_sign_in_that_reads_an_unreadable_policy_is_the_console_error_page_with_an_incident() {
        TotpUsers.Enrolled bob = TotpUsers.enroll(server, "bob");
        String bobId = server.gatehouse().services().people().users().idOfUsername("bob").orElseThrow();
        server.put("/api/v1/users/" + bobId + "/roles", Map.of("roles", List.of("security")));
        server.put("/api/v1/policies/security", Map.of("consoleTotpSignIn", true));
        corrupt("UPDATE role_policies SET algorithm = 'MD5' WHERE role = 'security'");

        HttpResult page = ConsoleClient.anonymous(server).postForm("/console/sign-in/code", Map.of("username",
                "bob", "code", bob.nextCode(server), "next", "/console"));

        incidentPage(page, "MD5", "role_policies");
        assertThat(page.header("Set-Cookie")).isNull();
    }
}
