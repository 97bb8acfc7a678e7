package io.gatehouse.server.http;

import io.gatehouse.server.common.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BodiesTest {
    record Inner(Integer size) {
    }

    record Request(String name, Integer count, Boolean flag, List<String> tags, Inner inner) {
        Request {
            Fields.required("name", name, "a string");
            tags = Fields.listOrEmpty(tags);
        }
    }

    private static Request bind(String json) throws Exception {
        return Bodies.bind(Json.MAPPER.readTree(json), Request.class);
    }

    @Test
    void a_well_typed_body_binds_and_unknown_fields_are_ignored() throws Exception {
        Request request = bind("{\"name\":\"a\",\"count\":3,\"flag\":true,\"tags\":[\"x\"],\"inner\":{\"size\":2},"
                + "\"extra\":1}");
        assertThat(request).isEqualTo(new Request("a", 3, true, List.of("x"), new Inner(2)));
        assertThat(bind("{\"name\":\"a\"}").tags()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"name\":5}|field 'name' must be a string, got the number 5",
        "{\"name\":true}|field 'name' must be a string, got the boolean true",
        "{\"name\":\"a\",\"count\":\"5\"}|field 'count' must be a whole number, got a string",
        "{\"name\":\"a\",\"count\":5.5}|field 'count' must be a whole number, got the number 5.5",
        "{\"name\":\"a\",\"count\":99999999999}|field 'count' must be a whole number, got the number 99999999999",
        "{\"name\":\"a\",\"flag\":1}|field 'flag' must be true or false, got the number 1",
        "{\"name\":\"a\",\"flag\":\"true\"}|field 'flag' must be true or false, got a string",
        "{\"name\":\"a\",\"tags\":\"x\"}|field 'tags' must be an array of strings, got a string",
        "{\"name\":\"a\",\"tags\":[5]}|field 'tags' must be an array of strings, got an array containing the number 5",
        "{\"name\":\"a\",\"inner\":[]}|field 'inner' must be an object, got an array",
        "{\"name\":\"a\",\"inner\":{\"size\":\"2\"}}|field 'inner.size' must be a whole number, got a string",
        "{}|field 'name' must be a string, got nothing",
        "{\"name\":null}|field 'name' must be a string, got nothing",
    })
    void a_field_of_the_wrong_type_is_refused_naming_it(String json, String detail) {
        assertThatThrownBy(() -> bind(json))
                .isInstanceOfSatisfying(GatehouseException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GatehouseException.Kind.INVALID);
                    assertThat(e.code()).isEqualTo("invalid_field");
                    assertThat(e.detail()).isEqualTo(detail);
                });
    }
}
