package io.gatehouse.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.gatehouse.server.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Holds every response the tests receive to the OpenAPI document the server serves ({@code openapi.json}): the
 * operation must be documented (for paths under {@code /api/}), the status must be one of its responses, the media
 * type one of that response's, and a JSON body must validate against the schema given for it. A mismatch fails the
 * test that received the response, so the document cannot drift from what the server does.
 *
 * <p>Every test client calls it with what it has: {@link TestServer} and the other clients on the JDK's HTTP client
 * hand over the {@link HttpResponse} ({@link #check(HttpResponse, byte[])}), the raw-socket clients the request's
 * bytes ({@link #checkRaw(byte[], int, String, byte[])}). The rules are the same for all:
 * <ul>
 *   <li>a documented operation answering a status the document does not give for it fails, whatever the status
 *       (a 500 too: an operation that can fail on a stored row says so);</li>
 *   <li>a path or method the document does not have is not an operation: a refusal (400 and up) in JSON must
 *       still be a problem document, and any other answer under {@code /api/} fails;</li>
 *   <li>a request Jetty cannot read as a request line at all (no method, target and version) names no path: its
 *       answer is held to the rule for a path the document does not have.</li>
 * </ul>
 * A deliberately malformed request for a documented operation (an undecodable path, a broken head) is still a
 * request for that operation, so Jetty's refusal of it must be among the operation's documented answers.
 *
 * <p>How a schema is checked: the whole document is the JSON Schema (2020-12, which OpenAPI 3.1 uses), with a
 * {@code $ref} at its root pointing at the response's schema; every {@code $ref} inside resolves within the document.
 */
public final class OpenApiContract {
    private static final OpenApiContract INSTANCE = load();

    private final String documentText;
    private final JsonNode document;
    private final List<Operation> templates = new ArrayList<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private OpenApiContract(String documentText) {
        this.documentText = documentText;
        try {
            this.document = Json.MAPPER.readTree(documentText);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.json is not JSON", e);
        }
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            templates.add(new Operation(path.getKey(), toPattern(path.getKey()), literalLength(path.getKey()),
                    path.getValue()));
        }
        // Most literal first: /api/v1/users/me before /api/v1/users/{id}.
        templates.sort((a, b) -> Integer.compare(b.literalLength(), a.literalLength()));
    }

    public static OpenApiContract get() {
        return INSTANCE;
    }

    /** Every operation as "METHOD /path", with the media types its {@code status} answer is documented in. */
    public Map<String, List<String>> mediaTypesOf(String status) {
        Map<String, List<String>> found = new java.util.TreeMap<>();
        for (Operation operation : templates) {
            for (String method : fieldNames(operation.item())) {
                if (!List.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                    continue; // "parameters", "summary": not an operation
                }
                JsonNode content = operation.item().path(method).path("responses").path(status).path("content");
                found.put(method.toUpperCase(java.util.Locale.ROOT) + " " + operation.template(), fieldNames(content));
            }
        }
        return found;
    }

    private static OpenApiContract load() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is not on the class path");
            }
            return new OpenApiContract(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Operation(String template, Pattern pattern, int literalLength, JsonNode item) {
    }

    private static Pattern toPattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static int literalLength(String template) {
        return template.replaceAll("\\{[^}]*\\}", "").length();
    }

    /**
     * Checks a response the JDK's HTTP client received, with its body ({@code HttpResponse<String>} bodies as UTF-8):
     * the method and the path are those of the request the response answers, after any redirect the client followed.
     */
    public void check(HttpResponse<?> response, byte[] body) {
        check(response.request().method(), response.uri().getRawPath(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), body);
    }

    /** {@link #check(HttpResponse, byte[])} for a response read as text. */
    public void check(HttpResponse<String> response) {
        check(response, response.body().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks the answer to a request sent as raw bytes: the method and the path are read from its request line
     * ({@code METHOD SP target SP version}; the target's query, if any, is not part of the path). A request line
     * that does not have these three parts names no operation, so its answer is checked as one for a path the
     * document does not have (see the class comment).
     */
    public void checkRaw(byte[] request, int status, String contentType, byte[] body) {
        String head = new String(request, StandardCharsets.ISO_8859_1);
        int lineEnd = head.indexOf("\r\n");
        String[] parts = (lineEnd < 0 ? head : head.substring(0, lineEnd)).split(" ", -1);
        boolean requestLine = parts.length == 3 && !parts[0].isEmpty() && parts[1].startsWith("/")
                && parts[2].startsWith("HTTP/");
        String method = requestLine ? parts[0] : "";
        String path = requestLine ? parts[1].split("\\?", 2)[0] : "";
        check(method, path, status, contentType, body);
    }

    /**
     * Checks one response.
     *
     * @throws AssertionError naming the operation, the status and what did not match
     */
    public void check(String method, String path, int status, String contentType, byte[] body) {
        String report = System.getProperty("gatehouse.openapi.report");
        if (report == null) {
            checkStrictly(method, path, status, contentType, body);
            return;
        }
        // Survey mode, for bringing the document up to date: every mismatch of a whole run goes to one file.
        try {
            checkStrictly(method, path, status, contentType, body);
        } catch (AssertionError mismatch) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(report), mismatch.getMessage().split("\n")[0]
                        + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void checkStrictly(String method, String path, int status, String contentType, byte[] body) {
        String where = method + " " + path + " → " + status;
        Optional<Operation> matched = templates.stream().filter(op -> op.pattern().matcher(path).matches())
                .filter(op -> op.item().has(method.toLowerCase(Locale.ROOT))).findFirst();
        if (matched.isEmpty()) {
            if (status >= 400) {
                // No such operation, and the server refused: its answer must still be a problem document.
                if (isJson(contentType)) {
                    validate(where, "#/components/schemas/Problem", body);
                }
                return;
            }
            if (path.startsWith("/api/")) {
                throw new AssertionError(where + ": the operation is not in openapi.json");
            }
            return;
        }
        Operation operation = matched.get();
        String method3 = method.toLowerCase(Locale.ROOT);
        JsonNode responses = operation.item().path(method3).path("responses");
        String statusKey = String.valueOf(status);
        String responseKey = responses.has(statusKey) ? statusKey
                : responses.has(statusKey.charAt(0) + "XX") ? statusKey.charAt(0) + "XX"
                : responses.has("default") ? "default" : null;
        if (responseKey == null) {
            throw new AssertionError(where + ": openapi.json documents " + fieldNames(responses) + " for "
                    + method + " " + operation.template() + ", not " + status);
        }
        JsonNode content = responses.path(responseKey).path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return;
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!content.has(mediaType)) {
            throw new AssertionError(where + ": openapi.json gives " + fieldNames(content) + " for this response, the"
                    + " server sent '" + contentType + "'");
        }
        if (isJson(mediaType) && content.path(mediaType).has("schema")) {
            validate(where, "#/paths/" + escape(operation.template()) + "/" + method3 + "/responses/"
                    + escape(responseKey) + "/content/" + escape(mediaType) + "/schema", body);
        }
    }

    private void validate(String where, String pointer, byte[] body) {
        Schema schema = schemas.computeIfAbsent(pointer, this::schemaAt);
        String text = new String(body, StandardCharsets.UTF_8);
        List<Error> errors = schema.validate(text, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError(where + ": the body does not match openapi.json (" + pointer + "): " + errors
                    + "\nbody: " + (text.length() > 2000 ? text.substring(0, 2000) + "…" : text));
        }
    }

    private Schema schemaAt(String pointer) {
        try {
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(documentText);
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", pointer);
            return registry.getSchema(Json.write(root), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isJson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json");
    }

    /** JSON Pointer escaping (RFC 6901) of one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
