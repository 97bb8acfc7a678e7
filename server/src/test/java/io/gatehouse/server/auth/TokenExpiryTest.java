package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens that expire: {@code expiresAt} or {@code expiresInDays} on creation, shown in the list, and an expired token
 * refused exactly like a revoked one, by the server's clock.
 */
@DatabaseTest
class TokenExpiryTest {
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

    HttpResult create(Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "robot", "scopes", List.of("auditor")));
        body.putAll(extra);
        return server.post("/api/v1/tokens", body);
    }

    JsonNode listed(String id, String query) {
        for (JsonNode token : server.get("/api/v1/tokens" + query).json().get("tokens")) {
            if (token.get("id").asText().equals(id)) {
                return token;
            }
        }
        return null;
    }

    @Test
    void a_token_with_a_lifetime_in_days_works_until_then_and_is_refused_like_a_revoked_one_after() {
        Instant now = server.clock().instant();
        HttpResult created = create(Map.of("expiresInDays", 7));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String token = created.json().get("token").asText();
        String id = created.json().get("id").asText();
        assertThat(Instant.parse(created.json().get("expiresAt").asText())).isEqualTo(now.plus(Duration.ofDays(7)));
        assertThat(server.get("/api/v1/users", token).status()).isEqualTo(200);

        server.clock().advance(Duration.ofDays(7));
        HttpResult expired = server.get("/api/v1/users", token);

        String revokedToken = create(Map.of()).json().get("token").asText();
        server.delete("/api/v1/tokens/" + revokedToken.split("_")[1]);
        HttpResult revoked = server.get("/api/v1/users", revokedToken);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("code").asText()).isEqualTo("invalid_token");
        assertThat(expired.json().get("detail")).isEqualTo(revoked.json().get("detail"));
        assertThat(expired.raw().headers().firstValue("WWW-Authenticate"))
                .isEqualTo(revoked.raw().headers().firstValue("WWW-Authenticate"));
        assertThat(listed(id, "").get("expiresAt").asText()).isEqualTo(created.json().get("expiresAt").asText());
    }

    @Test
    void an_instant_in_the_future_is_kept_as_given_and_a_token_without_expiry_lists_null() {
        Instant at = server.clock().instant().plus(Duration.ofHours(5)).truncatedTo(ChronoUnit.SECONDS);
        HttpResult created = create(Map.of("expiresAt", at.atOffset(ZoneOffset.ofHours(2)).toString()));
        HttpResult forever = create(Map.of());

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(Instant.parse(created.json().get("expiresAt").asText())).isEqualTo(at);
        assertThat(forever.json().get("expiresAt").isNull()).isTrue();
        assertThat(listed(forever.json().get("id").asText(), "").get("expiresAt").isNull()).isTrue();
    }

    @Test
    void the_status_filter_tells_active_revoked_and_expired_apart() {
        String soon = create(Map.of("expiresInDays", 1)).json().get("id").asText();
        String gone = create(Map.of()).json().get("id").asText();
        String live = create(Map.of("expiresInDays", 30)).json().get("id").asText();
        server.delete("/api/v1/tokens/" + gone);
        server.clock().advance(Duration.ofDays(2));

        assertThat(ids("?status=expired")).containsExactly(soon);
        assertThat(ids("?status=revoked")).containsExactly(gone);
        assertThat(ids("?status=active")).contains(live).doesNotContain(soon, gone);
        HttpResult bad = server.get("/api/v1/tokens?status=old");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asText()).isEqualTo("query parameter 'status' must be 'active',"
                + " 'revoked' or 'expired', got 'old'");
    }

    List<String> ids(String query) {
        List<String> ids = new ArrayList<>();
        server.get("/api/v1/tokens" + query).json().get("tokens").forEach(token -> ids.add(token.get("id").asText()));
        return ids;
    }

    @Test
    void bad_expiries_are_refused_and_create_nothing() {
        Instant now = server.clock().instant();
        assertRefused(Map.of("expiresAt", "tomorrow"), "field 'expiresAt' must be an RFC 3339 date-time with an"
                + " offset, such as 2027-01-31T18:00:00Z, got 'tomorrow'");
        assertRefused(Map.of("expiresAt", "2030-01-01T00:00:00"), "field 'expiresAt' must be an RFC 3339 date-time"
                + " with an offset, such as 2027-01-31T18:00:00Z, got '2030-01-01T00:00:00'");
        assertRefused(Map.of("expiresAt", now.minusSeconds(1).toString()), "field 'expiresAt' must be in the future,"
                + " got " + now.minusSeconds(1) + " (now is " + now + ")");
        Instant far = now.plus(Duration.ofDays(731));
        assertRefused(Map.of("expiresAt", far.toString()), "field 'expiresAt' must be at most 730 days ahead ("
                + now.plus(Duration.ofDays(730)) + "), got " + far);
        assertRefused(Map.of("expiresInDays", 0), "field 'expiresInDays' must be from 1 to 730, got 0");
        assertRefused(Map.of("expiresInDays", 731), "field 'expiresInDays' must be from 1 to 730, got 731");
        assertRefused(Map.of("expiresInDays", 3, "expiresAt", now.plusSeconds(60).toString()),
                "give at most one of the fields 'expiresAt' and 'expiresInDays'");
        assertThat(ids("")).hasSize(1);
    }

    void assertRefused(Map<String, Object> extra, String detail) {
        HttpResult refused = create(extra);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_field");
        assertThat(refused.json().get("detail").asText()).isEqualTo(detail);
    }
}
