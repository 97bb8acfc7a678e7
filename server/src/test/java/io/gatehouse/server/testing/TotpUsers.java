package io.gatehouse.server.testing;

import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A user with an active TOTP credential, enrolled over HTTP as a person would, and fresh codes for it. */
public final class TotpUsers {
    private TotpUsers() {
    }

    /** The enrolled user: its name, its authenticator, and the shared secret for an outside generator. */
    public record Enrolled(String username, Totp totp, int periodSeconds, byte[] secret) {
        /**
         * Moves the server's clock to the next time step and returns that step's code, so that each call gives a
         * code the server has not seen.
         */
        public String nextCode(TestServer server) {
            return totp.codeAt(nextStep(server));
        }

        /** Moves the server's clock to the start of the next time step and returns it in epoch seconds. */
        public long nextStep(TestServer server) {
            long now = server.clock().instant().getEpochSecond();
            server.clock().advance(Duration.ofSeconds(periodSeconds - now % periodSeconds));
            return server.clock().instant().getEpochSecond();
        }
    }

    public static Enrolled enroll(TestServer server, String username) {
        HttpResult user = server.post("/api/v1/users", Map.of("username", username, "roles", List.of("admins")));
        require(user, 201);
        HttpResult link = server.post("/api/v1/users/" + user.json().get("id").asText() + "/totp/enrollments", "");
        require(link, 201);
        String url = link.json().get("enrollmentUrl").asText();
        Matcher uri = Pattern.compile("id=\"uri\">([^<]+)<").matcher(server.get(url, null).text());
        if (!uri.find()) {
            throw new AssertionError("the enrollment page shows no otpauth URI");
        }
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri.group(1).replace("&amp;", "&"));
        Totp totp = new Totp(parsed.params(), parsed.secret());
        HttpResult activated = server.post(url + "/activate", Map.of("code",
                totp.codeAt(server.clock().instant().getEpochSecond())), null);
        require(activated, 200);
        return new Enrolled(username, totp, parsed.params().periodSeconds(), parsed.secret());
    }

    private static void require(HttpResult result, int status) {
        if (result.status() != status) {
            throw new AssertionError("expected " + status + ", got " + result);
        }
    }
}
