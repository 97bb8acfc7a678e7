package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.Bodies;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The request bodies of {@code /api/v1/users} bind strictly and name the field that is wrong. */
class UserRequestsTest {
    @Test
    void roles_are_optional_when_creating() throws Exception {
        UserController.CreateRequest request = Bodies.bind(Json.MAPPER.readTree("{\"username\":\"alice\"}"),
                UserController.CreateRequest.class);
        assertThat(request.roles()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|field 'username' must be a string, got nothing",
        "{\"username\":7}|field 'username' must be a string, got the number 7",
        "{\"username\":\"a\",\"roles\":\"staff\"}|field 'roles' must be an array of strings, got a string",
        "{\"username\":\"a\",\"roles\":[null]}|field 'roles' must be an array of strings, got an array containing null",
    })
    void a_wrong_create_body_is_refused_naming_the_field(String json, String detail) {
        assertRefused(json, UserController.CreateRequest.class, detail);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|field 'roles' must be an array of strings, got nothing",
        "{\"roles\":[1]}|field 'roles' must be an array of strings, got an array containing the number 1",
        "{\"roles\":[\"a\",null]}|field 'roles' must be an array of strings, got an array containing null",
    })
    void a_wrong_roles_body_is_refused_naming_the_field(String json, String detail) {
        assertRefused(json, UserController.RolesRequest.class, detail);
    }

    private static void assertRefused(String json, Class<?> type, String detail) {
        assertThatThrownBy(() -> Bodies.bind(Json.MAPPER.readTree(json), type))
                .isInstanceOfSatisfying(GatehouseException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_field");
                    assertThat(e.detail()).isEqualTo(detail);
                });
    }

    @Test
    void roles_come_out_as_given() throws Exception {
        assertThat(Bodies.bind(Json.MAPPER.readTree("{\"roles\":[\"b\",\"a\"]}"), UserController.RolesRequest.class)
                .roles()).isEqualTo(List.of("b", "a"));
    }
}
