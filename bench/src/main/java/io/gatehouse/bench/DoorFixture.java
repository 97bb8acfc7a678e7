package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets up one door through a running server's admin API, as an administrator and phones would: a site, a zone, a
 * door, a rule granting role {@code staff} the zone (always), a reader, and users of role {@code staff} each with one
 * enrolled device whose P-256 key pair the benchmark generates and keeps. Every call must answer 201.
 */
final class DoorFixture {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What was created; {@code devices} hold the private keys that make the users' proofs. */
    record Door(String siteId, String zoneId, String doorId, String readerId, String readerName,
            String readerCredential, List<String> userIds, List<Proofs.Device> devices) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String adminToken;

    DoorFixture(URI base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    /** Creates the door with {@code users} users and devices; {@code doorOptions} are extra fields of the door. */
    Door create(int users, Map<String, Object> doorOptions) throws IOException, InterruptedException {
        String siteId = post("/api/v1/sites", Map.of("name", "Bench site", "timeZone", "Europe/Berlin"))
                .get("id").asText();
        String zoneId = post("/api/v1/zones", Map.of("siteId", siteId, "name", "Bench zone")).get("id").asText();
        Map<String, Object> door = new LinkedHashMap<>(doorOptions);
        door.put("zoneId", zoneId);
        door.put("name", "Bench door");
        String doorId = post("/api/v1/doors", door).get("id").asText();
        post("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        JsonNode reader = post("/api/v1/readers", Map.of("doorId", doorId, "name", "bench-reader"));
        List<String> userIds = new ArrayList<>();
        List<Proofs.Device> devices = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String userId = post("/api/v1/users", Map.of("username", "bench-user-" + i, "roles", List.of("staff")))
                    .get("id").asText();
            userIds.add(userId);
            devices.add(enrollDevice(userId));
        }
        return new Door(siteId, zoneId, doorId, reader.get("id").asText(), reader.get("name").asText(),
                reader.get("credential").asText(), userIds, devices);
    }

    /** Enrolls a new device for a user through a device-enrollment link (docs/protocol.md, "Device enrollment"). */
    Proofs.Device enrollDevice(String userId) throws IOException, InterruptedException {
        String link = post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).get("enrollmentUrl").asText();
        KeyPair keys = Proofs.newKeyPair();
        JsonNode enrolled = send(URI.create(link), Map.of("publicKey",
                Base64Url.encode(PublicKeys.toSpki(keys.getPublic())), "device",
                Map.of("model", "bench", "os", "bench", "appVersion", "0")), false);
        return new Proofs.Device(CredentialId.parse(enrolled.get("credentialId").asText()), keys);
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(base.resolve(path), body, true);
    }

    private JsonNode send(URI uri, Object body, boolean admin) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (admin) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST " + uri.getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }
}
