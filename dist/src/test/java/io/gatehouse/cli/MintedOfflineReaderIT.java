package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.Services;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.wallet.Minter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Minted door codes at a real reader agent: decided online by the server, then offline from the reader's bundle (its
 * minting keys and the passkey credentials), spent once, and denied for a passkey device revoked before the
 * reader's last sync. The codes are minted in this process by the server's {@link Minter} on the same data, as the
 * door-code endpoint mints them; the passkey devices are made as {@code server}'s {@code MintedWallet} test helper
 * makes them (a device enrolled by the command-line wallet, named by a passkey row), until the web wallet's
 * enrollment makes passkey devices itself.
 */
class MintedOfflineReaderIT extends OfflineReaderIT {
    static final SecureRandom RANDOM = new SecureRandom();

    /** Not a test here: this class shares the processes and helpers of its parent, whose scenario runs there. */
    @Override
    void decisions_made_offline_and_across_a_kill_reach_the_audit_log_exactly_once() {
    }

    @Test
    void a_reader_grants_a_minted_code_offline_once_and_denies_a_revoked_passkey_after_its_sync() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        startServer();
        admin = CommandLineIT.run("admin", "token", "create", "--data", data(), "--name", "it").lastLine();
        String site = post("/api/v1/sites", "{\"name\":\"HQ\",\"timeZone\":\"UTC\"}", "id");
        String zone = post("/api/v1/zones", "{\"siteId\":\"" + site + "\",\"name\":\"Z\"}", "id");
        post("/api/v1/access-rules", "{\"zoneId\":\"" + zone + "\",\"role\":\"staff\"}", "id");
        String doorId = post("/api/v1/doors", "{\"zoneId\":\"" + zone + "\",\"name\":\"main\",\"offlineMode\":"
                + "\"fail_secure\",\"maxBundleAgeSeconds\":3600,\"proofLifetimeSeconds\":600}", "id");
        Path state = enrollReader(post("/api/v1/readers", "{\"doorId\":\"" + doorId + "\",\"name\":\"main\"}", "id"),
                "main");
        Map<String, CredentialId> credentials = new HashMap<>();
        Map<String, String> devices = new HashMap<>();
        for (String name : List.of("alice", "bob")) {
            String user = post("/api/v1/users", "{\"username\":\"" + name + "\",\"roles\":[\"staff\"]}", "id");
            String link = post("/api/v1/users/" + user + "/device-enrollments", "", "enrollmentUrl");
            assertThat(CommandLineIT.run("wallet", "enroll", "--wallet", dir.resolve(name + ".p12").toString(), link)
                    .exit()).isZero();
            JsonNode device = JSON.readTree(call("GET", "/api/v1/users/" + user + "/devices", admin, null).body())
                    .at("/devices/0");
            devices.put(name, device.get("id").asText());
            credentials.put(name, CredentialId.parse(device.get("credentialId").asText()));
            makePasskey(device.get("id").asText(), user);
        }
        Reader main = startReader(state);

        expect(main.scan(mint(credentials.get("alice"))), "grant", null, "online");
        String bobsCode = mint(credentials.get("bob"));
        assertThat(call("POST", "/api/v1/devices/" + devices.get("bob") + "/revoke", admin, null).statusCode())
                .isEqualTo(200);
        Thread.sleep(3_000); // the reader syncs every second

        server.destroy();
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String captured = mint(credentials.get("alice"));
        expect(main.scan(captured), "grant", null, "offline");
        expect(main.scan(captured), "deny", "replayed", "offline");
        expect(main.scan(bobsCode), "deny", "revoked", "offline");
        main.stdin.close();
    }

    private String data() {
        return dir.resolve("server").toString();
    }

    private GatehouseConfig config() {
        return ConfigLoader.load(Map.of(), Map.of("data", data()));
    }

    private String mint(CredentialId credential) {
        try (Services services = Services.openExisting(config(), Clock.systemUTC())) {
            return new Minter(services.reader().mintingKeys(), RANDOM).mint(credential, true,
                    Clock.systemUTC().instant(), Duration.ofSeconds(30)).text();
        }
    }

    private void makePasskey(String deviceId, String userId) {
        byte[] cose = new byte[77];
        RANDOM.nextBytes(cose);
        byte[] webauthnId = new byte[32];
        RANDOM.nextBytes(webauthnId);
        try (Services services = Services.openExisting(config(), Clock.systemUTC())) {
            services.core().database().inTransaction(tx -> {
                tx.update("UPDATE devices SET public_key = ?, kind = 'passkey' WHERE id = ?", cose, deviceId);
                return tx.update("INSERT INTO passkeys (credential_id, device_id, user_id, user_handle,"
                        + " public_key_cose, signature_count, aaguid, attestation_format, attestation_statement,"
                        + " transports, backup_eligible, backed_up, trust, trust_reason, created_at) VALUES (?, ?,"
                        + " ?, ?, ?, 0, ?, 'none', ?, 'internal', ?, ?, 'software', 'test', ?)",
                        Base64Url.encode(webauthnId), deviceId, userId, new byte[16], cose,
                        "00000000-0000-0000-0000-000000000000", new byte[0], false, false,
                        System.currentTimeMillis());
            });
        }
    }
}
