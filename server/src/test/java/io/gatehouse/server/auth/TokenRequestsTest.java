package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.Bodies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The body of {@code POST /api/v1/tokens} binds strictly and names the field that is wrong. */
class TokenRequestsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"scopes\":[\"admin\"]}|field 'name' must be a string, got nothing",
        "{\"name\":\"app\"}|field 'scopes' must be an array of at least one of [admin, verify, audit:read, visitors:read, visitors:write, codes:read, codes:write, security, helpdesk, auditor], got nothing",
        "{\"name\":\"app\",\"scopes\":\"admin\"}|field 'scopes' must be an array of strings, got a string",
        "{\"name\":\"app\",\"scopes\":[null]}|field 'scopes' must be an array of strings, got an array containing null",
    })
    void a_wrong_body_is_refused_naming_the_field(String json, String detail) {
        assertThatThrownBy(() -> Bodies.bind(Json.MAPPER.readTree(json), TokenController.CreateRequest.class))
                .isInstanceOfSatisfying(GatehouseException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.detail()).isEqualTo(detail));
    }
}
