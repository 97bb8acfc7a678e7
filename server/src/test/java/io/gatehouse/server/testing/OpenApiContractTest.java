package io.gatehouse.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The contract check itself: it must pass what the document says and fail what it does not. */
class OpenApiContractTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_body_that_matches_its_schema_passes() {
        assertThatCode(() -> OpenApiContract.get().check("POST", "/api/v1/totp/verify", 200, "application/json",
                utf8("{\"result\":\"accepted\"}"))).doesNotThrowAnyException();
    }

    @Test
    void a_body_of_the_wrong_shape_fails() {
        assertThatThrownBy(() -> OpenApiContract.get().check("POST", "/api/v1/totp/verify", 200, "application/json",
                utf8("{\"result\":17}"))).isInstanceOf(AssertionError.class).hasMessageContaining("does not match");
    }

    @Test
    void an_undocumented_status_fails() {
        assertThatThrownBy(() -> OpenApiContract.get().check("POST", "/api/v1/totp/verify", 418, "application/json",
                utf8("{}"))).isInstanceOf(AssertionError.class).hasMessageContaining("not 418");
    }

    @Test
    void an_undocumented_media_type_fails() {
        assertThatThrownBy(() -> OpenApiContract.get().check("POST", "/api/v1/totp/verify", 200, "text/html",
                utf8("<p>"))).isInstanceOf(AssertionError.class).hasMessageContaining("text/html");
    }

    @Test
    void an_undocumented_api_operation_fails() {
        assertThatThrownBy(() -> OpenApiContract.get().check("PATCH", "/api/v1/totp/verify", 200,
                "application/json", utf8("{}"))).isInstanceOf(AssertionError.class);
    }

    @Test
    void every_operation_documents_the_problem_it_answers_when_the_server_fails() {
        // A corrupt stored row or a lost database is a 500 with an incident id on any operation; a client generated
        // from the document must know its shape.
        assertThat(OpenApiContract.get().mediaTypesOf("500"))
                .isNotEmpty()
                .allSatisfy((operation, types) -> assertThat(types).as(operation).contains("application/problem+json"));
    }
}
