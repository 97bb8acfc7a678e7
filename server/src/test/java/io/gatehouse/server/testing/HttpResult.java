package io.gatehouse.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A response as tests look at it: status, headers, raw bytes and the body as JSON when it is JSON. */
public record HttpResult(int status, String contentType, byte[] bytes, HttpResponse<byte[]> raw) {

    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON (" + status + "): " + text(), e);
        }
    }

    public String header(String name) {
        return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
        return status + " " + contentType + " " + (bytes.length > 2000 ? bytes.length + " bytes" : text());
    }
}
