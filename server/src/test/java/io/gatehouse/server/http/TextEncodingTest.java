package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.RawHttp;
import io.gatehouse.server.testing.Snapshot;
import io.gatehouse.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text from a client is strict UTF-8 without NUL wherever it arrives (JSON body, form, path, query), or the request
 * is refused with 400 and nothing is stored; answers are UTF-8 and say so.
 */
@DatabaseTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextEncodingTest {
    @TempDir
    static Path data;
    TestServer server;
    String userId;

    @BeforeAll
    void start() {
        server = TestServer.start(data);
        userId = server.post("/api/v1/users", Map.of("username", "rita")).json().get("id").asText();
        server.sealAudit();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** {@code "caf"} then the given bytes, as the username of a new user. */
    static byte[] usernameWith(String hexBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"username\":\"caf".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(HexFormat.of().parseHex(hexBytes));
        out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static Stream<Arguments> badJson() {
        return Stream.of(
                Arguments.of("a surrogate encoded in UTF-8", usernameWith("eda080"), "invalid_encoding", null),
                Arguments.of("a code point above U+10FFFF", usernameWith("f4908080"), "invalid_encoding", null),
                Arguments.of("an overlong encoding of '/'", usernameWith("c0af"), "invalid_encoding", null),
                Arguments.of("a sequence cut short", usernameWith("c3"), "invalid_encoding", null),
                Arguments.of("Latin-1 instead of UTF-8", usernameWith("e9"), "invalid_encoding", null),
                Arguments.of("a lone high surrogate escape", ascii("{\"username\":\"caf\\ud800\"}"),
                        "invalid_encoding", "/username"),
                Arguments.of("a lone low surrogate escape", ascii("{\"username\":\"caf\\udc00x\"}"),
                        "invalid_encoding", "/username"),
                Arguments.of("a surrogate pair in the wrong order", ascii("{\"username\":\"\\ude00\\ud83d\"}"),
                        "invalid_encoding", "/username"),
                Arguments.of("a lone surrogate in a field name", ascii("{\"username\":\"tom\",\"x\\ud800\":1}"),
                        "invalid_encoding", ""),
                Arguments.of("a NUL escape", ascii("{\"username\":\"caf\\u0000\"}"), "nul_character", "/username"),
                Arguments.of("a NUL deep inside an array", ascii("{\"username\":\"tom\",\"roles\":[\"ok\","
                        + "\"a\\u0000\"]}"), "nul_character", "/roles/1"));
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJson")
    void a_JSON_body_with_malformed_text_is_refused_with_400_and_stores_nothing(String what, byte[] body,
            String code, String pointer) {
        String before = Snapshot.of(server.gatehouse().services().core().database());
        HttpResult result = server.send(HttpRequest.newBuilder(server.uri("/api/v1/users"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                server.adminToken());
        assertThat(result.status()).as(result.toString()).isEqualTo(400);
        assertThat(result.contentType()).matches("(?i)application/problem\\+json; ?charset=utf-8");
        assertThat(result.json().get("code").asText()).isEqualTo(code);
        if (pointer != null) {
            assertThat(result.json().get("pointer").asText()).isEqualTo(pointer);
        }
        assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
    }

    @Test
    void a_well_formed_surrogate_pair_escape_is_accepted_as_one_character() {
        HttpResult created = server.post("/api/v1/tokens", "{\"name\":\"deploy \\ud83d\\ude80\",\"scopes\":"
                + "[\"verify\"]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("name").asText()).isEqualTo("deploy \uD83D\uDE80");
    }

    @Test
    void NUL_in_device_facts_is_refused_with_400_on_every_database_and_the_link_still_works() throws Exception {
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", "").json()
                .get("enrollmentUrl").asText();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String publicKey = Base64Url.encode(generator.generateKeyPair().getPublic().getEncoded());
        long devicesBefore = count("SELECT COUNT(*) FROM devices");

        HttpResult refused = server.post(url, "{\"publicKey\":\"" + publicKey + "\",\"device\":{\"model\":"
                + "\"Pixel\\u0000 9\"}}", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("nul_character");
        assertThat(refused.json().get("pointer").asText()).isEqualTo("/device/model");
        assertThat(count("SELECT COUNT(*) FROM devices")).isEqualTo(devicesBefore);

        HttpResult enrolled = server.post(url, Map.of("publicKey", publicKey, "device", Map.of("model", "Pixel 9")),
                null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        assertThat(count("SELECT COUNT(*) FROM devices")).isEqualTo(devicesBefore + 1);
    }

    static Stream<Arguments> badTargets() {
        return Stream.of(
                Arguments.of("/api/v1/users/usr_caf%ED%A0%80", "invalid_encoding"),
                Arguments.of("/api/v1/users/usr_caf%F4%90%80%80", "invalid_encoding"),
                Arguments.of("/api/v1/users/usr_caf%C3", "invalid_encoding"),
                // Jetty itself refuses a NUL in the path, as an ambiguous path, before any handler runs.
                Arguments.of("/api/v1/users/usr_caf%00", "malformed_request"),
                Arguments.of("/api/v1/audit?action=caf%ED%A0%80", "invalid_encoding"),
                Arguments.of("/api/v1/audit?action=caf%E9", "invalid_encoding"),
                Arguments.of("/api/v1/audit?action=caf%00", "nul_character"),
                Arguments.of("/api/v1/audit?action=100%", "invalid_encoding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTargets")
    void a_path_or_query_that_does_not_decode_to_UTF_8_is_refused_with_400(String target, String code) {
        RawHttp.Answer answer = RawHttp.send(server.gatehouse().port(), RawHttp.request("GET",
                target.getBytes(StandardCharsets.US_ASCII), null, new byte[0]));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).matches("(?i)application/problem\\+json; ?charset=utf-8");
        assertThat(answer.json().get("code").asText()).isEqualTo(code);
    }

    @Test
    void a_raw_non_ASCII_byte_in_the_path_gets_a_problem_document_not_a_200() {
        byte[] target = {'/', 'h', 'e', 'a', 'l', 't', 'h', '/', 'l', 'i', 'v', 'e', (byte) 0xFF};
        RawHttp.Answer answer = RawHttp.send(server.gatehouse().port(), RawHttp.request("GET", target, null,
                new byte[0]));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(400);
    }

    @Test
    void a_form_field_with_a_bad_escape_is_refused_and_the_enrollment_stays_pending() {
        String url = server.post("/api/v1/users/" + userId + "/totp/enrollments", "").json().get("enrollmentUrl")
                .asText();
        server.sealAudit();
        for (Map.Entry<String, String> form : Map.of("code=12%ED%A0%803456", "invalid_encoding",
                "code=123%00456", "nul_character", "co%E9de=123456", "invalid_encoding").entrySet()) {
            String before = Snapshot.of(server.gatehouse().services().core().database());
            HttpResult page = server.send(HttpRequest.newBuilder(server.uri(url + "/activate"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.getKey())), null);
            assertThat(page.status()).as(form.getKey() + " " + page).isEqualTo(400);
            assertThat(page.text()).contains(form.getValue());
            assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
        }
        long pending = count("SELECT COUNT(*) FROM totp_enrollments WHERE user_id = '" + userId
                + "' AND status = 'pending'");
        assertThat(pending).isEqualTo(1);
    }

    @Test
    void problem_documents_are_UTF_8_and_say_so() {
        HttpResult refused = server.post("/api/v1/tokens", Map.of("name", "x", "scopes", List.of("café")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).matches("(?i)application/problem\\+json; ?charset=utf-8");
        assertThat(HexFormat.of().formatHex(refused.bytes())).contains(HexFormat.of().formatHex(
                "'café'".getBytes(StandardCharsets.UTF_8)));
        assertThat(refused.json().get("detail").asText()).startsWith("unknown scope 'café'");
    }

    @Test
    void every_JSON_answer_says_charset_utf_8() {
        for (String path : List.of("/health/live", "/api/v1/users", "/api/openapi.json")) {
            HttpResult result = server.get(path);
            assertThat(result.status()).as(path).isEqualTo(200);
            assertThat(result.contentType()).as(path).matches("(?i)application/json; ?charset=utf-8");
        }
        HttpResult created = server.post("/api/v1/sites", Map.of("name", "Zürich", "timeZone", "Europe/Zurich"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).matches("(?i)application/json; ?charset=utf-8");
        assertThat(HexFormat.of().formatHex(created.bytes())).contains("c3bc");
    }

    long count(String sql) {
        return server.gatehouse().services().core().database().read(tx -> tx.queryLong(sql));
    }
}
