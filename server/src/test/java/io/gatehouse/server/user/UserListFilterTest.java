package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /api/v1/users} with {@code q}, {@code role} and {@code status}, alone, together and over pages. */
@DatabaseTest
class UserListFilterTest {
    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        for (String name : List.of("Alice", "alan", "al_x", "alxy", "bob", "Albert", "alfred", "carol")) {
            List<String> roles = name.toLowerCase().startsWith("al") ? List.of("staff") : List.of("visitors");
            assertThat(server.post("/api/v1/users", Map.of("username", name, "roles", roles)).status()).isEqualTo(201);
        }
        suspend("alfred");
        suspend("carol");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void suspend(String name) {
        String id = server.get("/api/v1/users?q=" + name).json().get("users").get(0).get("id").asText();
        assertThat(server.post("/api/v1/users/" + id + "/suspend", Map.of()).status()).isEqualTo(200);
    }

    List<String> names(String query) {
        HttpResult result = server.get("/api/v1/users" + query);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        result.json().get("users").forEach(user -> names.add(user.get("username").asText()));
        return names;
    }

    @Test
    void q_is_a_prefix_of_the_name_without_regard_to_case() {
        assertThat(names("?q=AL")).containsExactlyInAnyOrder("Alice", "alan", "al_x", "alxy", "Albert", "alfred");
        assertThat(names("?q=al_")).as("an underscore is a character, not a wildcard").containsExactly("al_x");
        assertThat(names("?q=lice")).as("a prefix, not a substring").isEmpty();
        assertThat(names("?q=alice")).containsExactly("Alice");
    }

    @Test
    void role_and_status_filter_and_combine() {
        assertThat(names("?role=visitors")).containsExactlyInAnyOrder("bob", "carol");
        assertThat(names("?status=suspended")).containsExactlyInAnyOrder("alfred", "carol");
        assertThat(names("?role=staff&status=active&q=al")).containsExactlyInAnyOrder("Alice", "alan", "al_x",
                "alxy", "Albert");
        assertThat(names("?role=nobody-has-it")).isEmpty();
    }

    @Test
    void paging_with_a_filter_visits_each_match_once() {
        List<String> seen = new ArrayList<>();
        String query = "?q=al&status=active&limit=2";
        String next = null;
        int pages = 0;
        do {
            HttpResult page = server.get("/api/v1/users" + query + (next == null ? "" : "&after=" + next));
            JsonNode body = page.json();
            body.get("users").forEach(user -> seen.add(user.get("username").asText()));
            next = body.get("next").isNull() ? null : body.get("next").asText();
            pages++;
        } while (next != null && pages < 10);
        assertThat(seen).containsExactlyInAnyOrder("Alice", "alan", "al_x", "alxy", "Albert");
        assertThat(seen).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "q=%C3%A9|query parameter 'q' must be 1 to 64 characters of A-Z a-z 0-9 . _ @ + -, got 'é'",
        "q=|query parameter 'q' must be 1 to 64 characters of A-Z a-z 0-9 . _ @ + -, got ''",
        "role=Staff|query parameter 'role' must be a role name matching [a-z0-9_-]{1,32}, got 'Staff'",
        "status=gone|query parameter 'status' must be 'active' or 'suspended', got 'gone'",
    })
    void a_bad_filter_is_400(String query, String detail) {
        HttpResult result = server.get("/api/v1/users?" + query);

        assertThat(result.status()).isEqualTo(400);
        assertThat(result.json().get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(result.json().get("detail").asText()).isEqualTo(detail);
    }
}
