package io.gatehouse.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import java.net.http.HttpRequest;
import java.util.Map;

/** Alerts raised the way production raises them: by driving the server until a rule fires. */
public final class RaisedAlerts {
    private RaisedAlerts() {
    }

    /**
     * Enrolls {@code username} for TOTP, sends five wrong codes from one address of the person's own (the server must
     * trust 127.0.0.1 as a proxy) and lets the rules read everything; the id of the failure spike raised about them.
     */
    public static String failureSpike(TestServer server, String username) {
        TotpUsers.Enrolled person = TotpUsers.enroll(server, username);
        String address = "203.0.113." + (10 + Math.floorMod(username.hashCode(), 200));
        for (int i = 0; i < 5; i++) {
            server.send(HttpRequest.newBuilder(server.uri("/api/v1/totp/verify"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", address)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", username, "code",
                            wrongCode(person, server))))), server.adminToken());
        }
        server.sealAudit();
        while (server.gatehouse().alerts().step() > 0) {
            // another batch
        }
        String userId = server.get("/api/v1/users?q=" + username).json().get("users").get(0).get("id").asText();
        for (JsonNode alert : server.get("/api/v1/alerts?rule=failure_spike").json().get("alerts")) {
            if (alert.get("subject").asText().equals("user:" + userId)) {
                return alert.get("id").asText();
            }
        }
        throw new AssertionError("no failure spike was raised about " + username);
    }

    /** A six-digit code that is neither the current one nor the previous step's. */
    private static String wrongCode(TotpUsers.Enrolled user, TestServer server) {
        long now = server.clock().instant().getEpochSecond();
        String current = user.totp().codeAt(now);
        String previous = user.totp().codeAt(now - user.periodSeconds());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!code.equals(current) && !code.equals(previous)) {
                return code;
            }
        }
    }
}
