package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.ServerPerTest;
import io.gatehouse.server.testing.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usernames are unique without regard to case, and every lookup by username uses the same folded key. */
@DatabaseTest
class UsernameCaseTest extends ServerPerTest {
    String carolId;

    @BeforeEach
    void setUp() {
        HttpResult carol = server.post("/api/v1/users", Map.of("username", "carol"));
        assertThat(carol.status()).as(carol.toString()).isEqualTo(201);
        carolId = carol.json().get("id").asText();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Carol", "CAROL", "cArOl"})
    void a_name_that_differs_only_by_case_is_taken(String username) {
        String before = Snapshot.of(database);

        HttpResult refused = server.post("/api/v1/users", Map.of("username", username));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("username_taken");
        assertThat(refused.json().get("detail").asText()).isEqualTo("a user named 'carol' already exists; usernames"
                + " are compared without regard to case, so '" + username + "' names the same user");
        assertThat(Snapshot.of(database)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\uff23\uff41\uff52\uff4f\uff4c", "\u212aarol", "\u0130van", "stra\u00dfe", "zoe\u0308",
        "usr_carol", "USR_0123456789abcdefghijklmnop"})
    void a_name_outside_the_alphabet_or_shaped_like_a_user_id_is_refused(String username) {
        String before = Snapshot.of(database);

        HttpResult refused = server.post("/api/v1/users", Map.of("username", username));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_field");
        assertThat(Snapshot.of(database)).isEqualTo(before);
    }

    @Test
    void the_refusal_names_a_look_alike_character_by_its_code_point() {
        HttpResult refused = server.post("/api/v1/users", Map.of("username", "\u212aarol"));

        assertThat(refused.json().get("detail").asText()).isEqualTo("field 'username' must be 1 to 64 characters of"
                + " A-Z a-z 0-9 . _ @ + -, got '<U+212A>arol'");
    }

    @Test
    void the_display_form_is_kept_as_created() {
        HttpResult dave = server.post("/api/v1/users", Map.of("username", "Dave.Jones"));

        assertThat(dave.json().get("username").asText()).isEqualTo("Dave.Jones");
        String key = database.read(tx -> tx.queryOne("SELECT username_key FROM users WHERE username = 'Dave.Jones'",
                rs -> rs.getString(1))).orElseThrow();
        assertThat(key).isEqualTo("dave.jones");
    }

    @Test
    void verification_finds_the_user_under_any_case_of_the_name() {
        HttpResult verified = server.post("/api/v1/totp/verify", Map.of("username", "CAROL", "code", "123456"));

        assertThat(verified.status()).as(verified.toString()).isEqualTo(401);
        assertThat(verified.json().get("reason").asText()).isEqualTo("not_enrolled");
        JsonNode record = server.get("/api/v1/audit?action=totp.verify").json().at("/records/0");
        assertThat(record.get("user").asText()).isEqualTo(carolId);
        HttpResult recovery = server.post("/api/v1/recovery/verify", Map.of("username", "Carol",
                "code", "abcde-fghij"));
        assertThat(recovery.json().path("reason").asText()).as(recovery.toString()).isEqualTo("not_enrolled");
    }

    @Test
    void verification_does_not_fold_a_unicode_look_alike_onto_an_ascii_name() {
        server.post("/api/v1/users", Map.of("username", "karl"));

        HttpResult kelvin = server.post("/api/v1/totp/verify", Map.of("username", "\u212aarl", "code", "123456"));

        assertThat(kelvin.status()).as(kelvin.toString()).isEqualTo(404);
        assertThat(kelvin.json().get("code").asText()).isEqualTo("unknown_user");
    }
}
