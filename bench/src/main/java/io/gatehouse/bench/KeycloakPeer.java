package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.codec.Base64Url;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keycloak as the peer of {@link SignInLoad}: the distribution that {@code -Pkeycloak} unpacks into
 * {@code bench/target/keycloak}, started as {@code kc.sh start} (production mode, plain HTTP on loopback, the
 * {@code dev-file} H2 database in a temporary directory, local caches, JVM options as {@code kc.sh} chooses them),
 * its admin bootstrapped from the environment, configured over the admin REST API.
 *
 * <p>The realm is created in one {@code POST /admin/realms} with the whole representation, as a realm import does,
 * because that is the one way in which the admin API accepts an OTP credential with a known secret: a credential of
 * type {@code otp} with {@code secretData {"value": SECRET}} and {@code credentialData {"subType":"totp", "digits",
 * "period", "algorithm", "counter"}}. Keycloak keys its HMAC with the UTF-8 bytes of that value, so the secrets here
 * are ASCII. The browser flow is a copy of what a passwordless TOTP sign-in needs: the username form, then the OTP
 * form, both required (no password), so that both servers do the same work per sign-in.
 */
final class KeycloakPeer implements AutoCloseable {
    static final String REALM = "bench";
    static final String PASSKEY_REALM = "bench-passkey";
    static final String CLIENT_ID = "bench-app";
    private static final String ADMIN = "bench-admin";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Process process;
    private final URI base;
    private final String adminPassword;
    private final HttpClient http;

    private KeycloakPeer(Process process, URI base, String adminPassword, HttpClient http) {
        this.process = process;
        this.base = base;
        this.adminPassword = adminPassword;
        this.http = http;
    }

    /** An ASCII secret of {@code length} characters, the HMAC key being its bytes. */
    static String secret(SecureRandom random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    /**
     * Starts Keycloak from {@code home} on a free loopback port with its database and log in {@code data}, and waits
     * until it answers (the first start of a distribution also builds its server image, about a minute more).
     */
    static KeycloakPeer start(Path home, Path data, String javaHome, HttpClient http) throws IOException,
            InterruptedException {
        Path script = home.resolve("bin/kc.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing: unpack Keycloak with"
                    + " ./mvnw -q -B -DskipTests -Pkeycloak package -pl bench -am");
        }
        int port = LoadServer.freePort();
        int management = LoadServer.freePort();
        String password = secret(new SecureRandom(), 24);
        List<String> command = new ArrayList<>(List.of(script.toString(), "start", "--http-enabled=true",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management,
                "--hostname-strict=false", "--db=dev-file",
                "--db-url=jdbc:h2:file:" + data.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE", "--cache=local"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("KEYCLOAK_")
                || name.startsWith("JAVA_OPTS"));
        builder.environment().put("JAVA_HOME", javaHome);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", password);
        Path log = Files.createFile(data.resolve("server.log"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI base = URI.create("http://localhost:" + port);
        KeycloakPeer peer = new KeycloakPeer(process, base, password, http);
        Runtime.getRuntime().addShutdownHook(new Thread(peer::close));
        peer.waitReady();
        return peer;
    }

    private void waitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see its log");
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base.resolve("/realms/master"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak did not answer /realms/master within 300 s");
    }

    URI base() {
        return base;
    }

    /** A realm's browser-facing base, {@code http://localhost:PORT/realms/NAME/}. */
    URI realm(String name) {
        return base.resolve("/realms/" + name + "/");
    }

    /**
     * The pid of Keycloak's JVM: {@code kc.sh} runs it as its child (and replaces itself with it only after it has
     * rebuilt the server image).
     */
    long pid() {
        if (process.info().command().orElse("").endsWith("/java")) {
            return process.pid();
        }
        return process.descendants().filter(child -> child.info().command().orElse("").endsWith("/java"))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    long rssKb() {
        return LoadServer.rssKb(pid());
    }

    /** A short-lived admin access token of the master realm (password grant of {@code admin-cli}). */
    private String adminToken() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username=" + ADMIN + "&password="
                + URLEncoder.encode(adminPassword, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                base.resolve("/realms/master/protocol/openid-connect/token")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak admin token: " + response.statusCode() + " "
                    + OpenLoop.shorten(response.body()));
        }
        return DoorFixture.JSON.readTree(response.body()).get("access_token").asText();
    }

    /** One user of the realm and the ASCII TOTP secret Keycloak holds for it. */
    record OtpUser(String username, String secret) {
    }

    /**
     * Creates the realm: the OTP policy (HmacSHA1, {@code digits}, {@code period} s, {@code window} steps either
     * side, codes not reusable), the username-then-OTP browser flow, one confidential client with the standard flow
     * and {@code clientSecret}, and {@code users} with their OTP credentials.
     */
    void createRealm(int digits, int period, int window, String redirectUri, String clientSecret,
            List<OtpUser> users) throws IOException, InterruptedException {
        ObjectNode realm = DoorFixture.JSON.createObjectNode().put("realm", REALM).put("enabled", true)
                .put("otpPolicyType", "totp").put("otpPolicyAlgorithm", "HmacSHA1").put("otpPolicyDigits", digits)
                .put("otpPolicyPeriod", period).put("otpPolicyLookAheadWindow", window)
                .put("otpPolicyCodeReusable", false).put("bruteForceProtected", false)
                .put("browserFlow", "bench-browser");
        ObjectNode flow = realm.putArray("authenticationFlows").addObject().put("alias", "bench-browser")
                .put("description", "username form, then OTP form; no password").put("providerId", "basic-flow")
                .put("topLevel", true).put("builtIn", false);
        ArrayNode executions = flow.putArray("authenticationExecutions");
        executions.addObject().put("authenticator", "auth-username-form").put("requirement", "REQUIRED")
                .put("priority", 10).put("authenticatorFlow", false).put("userSetupAllowed", false);
        executions.addObject().put("authenticator", "auth-otp-form").put("requirement", "REQUIRED")
                .put("priority", 20).put("authenticatorFlow", false).put("userSetupAllowed", false);
        ObjectNode client = realm.putArray("clients").addObject().put("clientId", CLIENT_ID).put("enabled", true)
                .put("publicClient", false).put("clientAuthenticatorType", "client-secret").put("secret", clientSecret)
                .put("standardFlowEnabled", true).put("directAccessGrantsEnabled", false)
                .put("protocol", "openid-connect");
        client.putArray("redirectUris").add(redirectUri);
        String credentialData = DoorFixture.JSON.writeValueAsString(DoorFixture.JSON.createObjectNode()
                .put("subType", "totp").put("digits", digits).put("counter", 0).put("period", period)
                .put("algorithm", "HmacSHA1"));
        ArrayNode userNodes = realm.putArray("users");
        for (OtpUser user : users) {
            ObjectNode node = userNodes.addObject().put("username", user.username()).put("enabled", true)
                    .put("firstName", "Bench").put("lastName", user.username())
                    .put("email", user.username() + "@bench.invalid").put("emailVerified", true);
            node.putArray("credentials").addObject().put("type", "otp").put("userLabel", "bench")
                    .put("secretData", DoorFixture.JSON.writeValueAsString(DoorFixture.JSON.createObjectNode()
                            .put("value", user.secret())))
                    .put("credentialData", credentialData);
        }
        post(realm);
        JsonNode check = DoorFixture.JSON.readTree(http.send(HttpRequest.newBuilder(
                base.resolve("/admin/realms/" + REALM + "/users/count")).header("Authorization", "Bearer "
                + adminToken()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
        if (check.asInt() != users.size()) {
            throw new IllegalStateException("Keycloak holds " + check + " users, expected " + users.size());
        }
    }

    /** A user of the passkey realm: its id (the WebAuthn user handle is its UTF-8 bytes) and its one passkey. */
    record PasskeyUser(String id, String username, SoftAuthenticator.Imported passkey) {
    }

    /**
     * Creates the realm {@link #PASSKEY_REALM}: a browser flow of Keycloak's passwordless WebAuthn authenticator
     * alone (discoverable credential, user verification required), one confidential client, and {@code users} with
     * a {@code webauthn-passwordless} credential each, imported as Keycloak stores one (credential id in base64,
     * COSE key in base64url, no attestation).
     */
    void createPasskeyRealm(String redirectUri, String clientSecret, List<PasskeyUser> users) throws IOException,
            InterruptedException {
        ObjectNode realm = DoorFixture.JSON.createObjectNode().put("realm", PASSKEY_REALM).put("enabled", true)
                .put("bruteForceProtected", false).put("browserFlow", "bench-passkey")
                .put("webAuthnPolicyPasswordlessUserVerificationRequirement", "required")
                .put("webAuthnPolicyPasswordlessRequireResidentKey", "Yes");
        ObjectNode flow = realm.putArray("authenticationFlows").addObject().put("alias", "bench-passkey")
                .put("description", "passkey alone").put("providerId", "basic-flow").put("topLevel", true)
                .put("builtIn", false);
        flow.putArray("authenticationExecutions").addObject().put("authenticator",
                "webauthn-authenticator-passwordless").put("requirement", "REQUIRED").put("priority", 10)
                .put("authenticatorFlow", false).put("userSetupAllowed", false);
        ObjectNode client = realm.putArray("clients").addObject().put("clientId", CLIENT_ID).put("enabled", true)
                .put("publicClient", false).put("clientAuthenticatorType", "client-secret").put("secret", clientSecret)
                .put("standardFlowEnabled", true).put("directAccessGrantsEnabled", false)
                .put("protocol", "openid-connect");
        client.putArray("redirectUris").add(redirectUri);
        ArrayNode userNodes = realm.putArray("users");
        for (PasskeyUser user : users) {
            ObjectNode node = userNodes.addObject().put("id", user.id()).put("username", user.username())
                    .put("enabled", true).put("firstName", "Bench").put("lastName", user.username())
                    .put("email", user.username() + "@bench.invalid").put("emailVerified", true);
            ObjectNode data = DoorFixture.JSON.createObjectNode().put("aaguid", "00000000-0000-0000-0000-000000000000")
                    .put("credentialId", Base64.getEncoder().encodeToString(user.passkey().credentialId()))
                    .put("credentialPublicKey", Base64Url.encode(user.passkey().coseKey()))
                    .put("counter", 0).put("attestationStatementFormat", "none");
            data.putArray("transports").add("internal");
            node.putArray("credentials").addObject().put("type", "webauthn-passwordless").put("userLabel", "bench")
                    .put("secretData", "{}").put("credentialData", DoorFixture.JSON.writeValueAsString(data));
        }
        post(realm);
    }

    private void post(ObjectNode realm) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/admin/realms"))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(DoorFixture.JSON.writeValueAsBytes(realm))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Keycloak POST /admin/realms answered " + response.statusCode() + ": "
                    + OpenLoop.shorten(response.body()));
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public synchronized void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
