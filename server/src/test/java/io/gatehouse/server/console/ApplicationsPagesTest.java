package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's Applications section: administrators register OpenID Connect clients (the secret shown once, behind a
 * fresh verification), see them listed and delete them after a confirmation; nobody else sees the section.
 */
@DatabaseTest
class ApplicationsPagesTest {
    private static final String PAGE = "/console/applications";
    private static final String CLIENTS = "/api/v1/oidc/clients";
    private static final String CALLBACK = "https://vault.example.com/oidc/callback";
    private static final Pattern SECRET = Pattern.compile("data-new-secret>(ghcs_[^<]+)<");
    private static final Pattern CLIENT_ID = Pattern.compile("data-new-client-id>(oc_[^<]+)<");

    @TempDir
    Path data;
    TestServer server;
    String adminId;
    ConsoleClient admin;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        adminId = user("alice", "admin");
        admin = ConsoleClient.signIn(server, adminId);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_list_shows_what_each_application_was_registered_with() {
        JsonNode registered = server.post(CLIENTS, Map.of("name", "Wiki", "redirectUris", List.of(CALLBACK,
                "http://localhost:8080/cb"), "public", true, "signInMethods", List.of("passkey", "phone"),
                "phishingResistant", true)).json();
        String clientId = registered.get("clientId").asText();

        HttpResult page = admin.get(PAGE);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"applications\"").contains("<title>Applications")
                .contains("data-client=\"" + clientId + "\"").contains("Wiki").contains(CALLBACK)
                .contains("http://localhost:8080/cb").contains("public").contains(">none<")
                .contains("passkey, phone").contains("phishing-resistant only")
                .contains("by " + registered.get("createdBy").asText())
                .contains("href=\"/console/applications\" aria-current=\"page\"");
    }

    @Test
    void a_confidential_application_gets_its_secret_once_and_the_secret_works() {
        HttpResult created = register(admin, form("Vault", CALLBACK, "https://vault.example.com/bye", false, true,
                false, "passkey", "phone", "totp", "recovery_code"));

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        assertThat(created.text()).contains("The application 'Vault' is registered. Copy its secret now")
                .contains(server.gatehouse().baseUrl().toString().replaceAll("/$", "")
                        + "/.well-known/openid-configuration");
        Matcher secret = SECRET.matcher(created.text());
        Matcher clientId = CLIENT_ID.matcher(created.text());
        assertThat(secret.find()).isTrue();
        assertThat(clientId.find()).isTrue();
        JsonNode listed = server.get(CLIENTS + "/" + clientId.group(1)).json();
        assertThat(listed.get("name").asText()).isEqualTo("Vault");
        assertThat(listed.get("public").asBoolean()).isFalse();
        assertThat(listed.get("tokenEndpointAuthMethod").asText()).isEqualTo("client_secret_basic");
        assertThat(listed.get("refreshTokens").asBoolean()).isTrue();
        assertThat(listed.get("postLogoutRedirectUris").toString()).contains("https://vault.example.com/bye");
        assertThat(listed.get("createdBy").asText()).isEqualTo("user:" + adminId);
        assertThat(server.get(CLIENTS).json().get("clients").findValuesAsText("clientId")).contains(clientId.group(1));
        assertThat(admin.get(PAGE).text()).contains(clientId.group(1)).doesNotContain(secret.group(1))
                .doesNotContain("data-new-secret");
        assertThat(server.get("/api/v1/audit?action=oidc.client.register").json().get("records")).hasSize(1);
        // A wrong code with the right secret is invalid_grant; a wrong secret would be invalid_client.
        HttpResult token = tokenRequest(clientId.group(1), secret.group(1));
        assertThat(token.status()).as(token.text()).isEqualTo(400);
        assertThat(token.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void a_public_application_gets_no_secret_and_the_sign_in_methods_ticked() {
        HttpResult created = register(admin, form("Phone app", "http://127.0.0.1:9000/cb\n\n  " + CALLBACK + "  ",
                "", true, false, true, "passkey"));

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.text()).doesNotContain("data-new-secret").contains("has no secret");
        Matcher clientId = CLIENT_ID.matcher(created.text());
        assertThat(clientId.find()).isTrue();
        JsonNode listed = server.get(CLIENTS + "/" + clientId.group(1)).json();
        assertThat(listed.get("public").asBoolean()).isTrue();
        assertThat(listed.get("tokenEndpointAuthMethod").asText()).isEqualTo("none");
        assertThat(listed.get("redirectUris").toString()).isEqualTo("[\"http://127.0.0.1:9000/cb\",\"" + CALLBACK
                + "\"]");
        assertThat(listed.get("signInMethods").toString()).isEqualTo("[\"passkey\"]");
        assertThat(listed.get("phishingResistant").asBoolean()).isTrue();
        assertThat(listed.get("refreshTokens").asBoolean()).isFalse();
    }

    @Test
    void a_refused_registration_shows_why_and_keeps_what_was_typed() {
        HttpResult refused = register(admin, form("Vault", "https://vault.example.com/*", "", false, false, false,
                "totp"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("data-page=\"applications\"").contains("class=\"error\"")
                .contains("field 'redirectUris' holds 'https://vault.example.com/*', which is not allowed")
                .contains("value=\"Vault\"").contains(">https://vault.example.com/*</textarea>")
                .containsPattern("id=\"app-method-totp\" name=\"signInMethods\" value=\"totp\" checked")
                .doesNotContainPattern("id=\"app-method-passkey\" name=\"signInMethods\" value=\"passkey\" checked");
        HttpResult noMethod = register(admin, form("Vault", CALLBACK, "", false, false, false));
        assertThat(noMethod.status()).isEqualTo(400);
        assertThat(noMethod.text()).contains("signInMethods");
        assertThat(server.get(CLIENTS).json().get("clients")).isEmpty();
    }

    @Test
    void an_application_is_deleted_after_a_confirmation() {
        String clientId = registerByApi("Old tool");
        assertThat(admin.get(PAGE).text()).contains("action=\"/console/applications/" + clientId + "/delete\"");

        HttpResult confirm = admin.get(PAGE + "/" + clientId + "/delete");
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.text()).contains("data-page=\"applications\"").contains("Old tool").contains(clientId)
                .contains("name=\"confirm\"");
        String csrf = admin.csrfFrom(PAGE);
        HttpResult unconfirmed = admin.postForm(PAGE + "/" + clientId + "/delete", Map.of("_csrf", csrf));
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(server.get(CLIENTS + "/" + clientId).status()).isEqualTo(200);

        HttpResult deleted = admin.postForm(PAGE + "/" + clientId + "/delete", Map.of("_csrf", csrf, "confirm",
                "yes"));

        assertThat(deleted.status()).isEqualTo(303);
        assertThat(deleted.header("Location")).isEqualTo(PAGE + "?done=deleted");
        assertThat(admin.get(deleted.header("Location")).text()).contains("The application was deleted")
                .doesNotContain(clientId);
        assertThat(server.get(CLIENTS + "/" + clientId).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/audit?action=oidc.client.delete").json().get("records")).hasSize(1);
        assertThat(admin.get(PAGE + "/" + clientId + "/delete").status()).isEqualTo(404);
    }

    @Test
    void a_post_without_the_csrf_token_changes_nothing() {
        String clientId = registerByApi("Kept");

        HttpResult register = admin.postForm(PAGE, Map.of("name", "Sneaky", "redirectUris", CALLBACK,
                "signInMethods", "passkey"));
        HttpResult delete = admin.postForm(PAGE + "/" + clientId + "/delete", Map.of("confirm", "yes"));

        assertThat(register.status()).isEqualTo(403);
        assertThat(register.text()).contains("data-problem=\"csrf_failed\"");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(server.get(CLIENTS).json().get("clients").findValuesAsText("name")).containsExactly("Kept");
    }

    @Test
    void registering_or_deleting_after_five_minutes_asks_for_verification_first() {
        String clientId = registerByApi("Kept");
        String csrf = admin.csrfFrom(PAGE);
        server.clock().advance(Duration.ofMinutes(6));

        HttpResult register = register(admin, "_csrf=" + csrf + form("Late", CALLBACK, "", false, false, false,
                "passkey"));
        HttpResult delete = admin.postForm(PAGE + "/" + clientId + "/delete", Map.of("_csrf", csrf, "confirm",
                "yes"));

        assertThat(register.status()).isEqualTo(303);
        assertThat(register.header("Location")).isEqualTo("/console/verify?next=%2Fconsole%2Fapplications");
        assertThat(delete.status()).isEqualTo(303);
        assertThat(delete.header("Location")).isEqualTo("/console/verify?next=%2Fconsole%2Fapplications%2F"
                + clientId + "%2Fdelete");
        assertThat(server.get(CLIENTS).json().get("clients").findValuesAsText("name")).containsExactly("Kept");
    }

    @Test
    void people_without_the_permission_get_403_and_no_link() {
        String clientId = registerByApi("Kept");
        assertThat(admin.get("/console/people").text()).contains("href=\"/console/applications\"");
        for (String role : List.of("helpdesk", "security", "auditor")) {
            ConsoleClient person = ConsoleClient.signIn(server, user("p-" + role, role));

            HttpResult list = person.get(PAGE);
            HttpResult confirm = person.get(PAGE + "/" + clientId + "/delete");
            HttpResult register = register(person, form("Mine", CALLBACK, "", false, false, false, "passkey"));
            HttpResult delete = person.postForm(PAGE + "/" + clientId + "/delete", Map.of("_csrf",
                    person.csrfFrom("/console/people"), "confirm", "yes"));

            assertThat(list.status()).as(role).isEqualTo(403);
            assertThat(list.text()).contains("data-problem=\"insufficient_scope\"").doesNotContain("Kept");
            assertThat(confirm.status()).as(role).isEqualTo(403);
            assertThat(register.status()).as(role).isEqualTo(403);
            assertThat(delete.status()).as(role).isEqualTo(403);
            assertThat(person.get("/console/people").text()).as(role).doesNotContain("/console/applications");
        }
        assertThat(server.get(CLIENTS).json().get("clients").findValuesAsText("name")).containsExactly("Kept");
    }

    @Test
    void script_in_the_fields_comes_back_as_text() {
        String script = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";

        HttpResult created = register(admin, form(script, CALLBACK, "", false, false, false, "passkey"));
        HttpResult refused = register(admin, form(script, script, script, false, false, false, "passkey"));

        assertThat(created.status()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(400);
        for (HttpResult page : List.of(created, refused, admin.get(PAGE))) {
            assertThat(page.text()).doesNotContain("<script>alert(1)").doesNotContain("<img src=x")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
    }

    /** The fields of the registration form, without its CSRF token, as a browser encodes them. */
    private static String form(String name, String redirects, String logouts, boolean publicClient,
            boolean refreshTokens, boolean phishingResistant, String... methods) {
        List<String> fields = new ArrayList<>(List.of("name=" + encode(name), "redirectUris=" + encode(redirects),
                "postLogoutRedirectUris=" + encode(logouts)));
        if (publicClient) {
            fields.add("public=yes");
        }
        if (refreshTokens) {
            fields.add("refreshTokens=yes");
        }
        if (phishingResistant) {
            fields.add("phishingResistant=yes");
        }
        for (String method : methods) {
            fields.add("signInMethods=" + method);
        }
        return "&" + String.join("&", fields);
    }

    private HttpResult register(ConsoleClient person, String fields) {
        String body = fields.startsWith("_csrf=") ? fields : "_csrf=" + person.csrfFrom("/console/sessions")
                + fields;
        return person.send(HttpRequest.newBuilder(server.uri(PAGE))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", person.origin())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResult tokenRequest(String clientId, String secret) {
        String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(secret))
                .getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=nothing&redirect_uri="
                        + encode(CALLBACK))), null);
    }

    private String registerByApi(String name) {
        return server.post(CLIENTS, Map.of("name", name, "redirectUris", List.of(CALLBACK), "public", false)).json()
                .get("clientId").asText();
    }

    private String user(String name, String role) {
        return server.post("/api/v1/users", Map.of("username", name, "roles", List.of(role))).json().get("id")
                .asText();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
