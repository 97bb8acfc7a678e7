package io.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.codec.Base45;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.MintedWallet;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.wallet.MintingKeys;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online decisions of minted door codes over HTTP: a passkey device's code, minted by the server, decided by the
 * same numbered steps as a device-signed proof, with the proof type checked against the credential's kind and the
 * minting keys read in the decision's own read batch.
 */
@DatabaseTest
class MintedScanTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    MintedWallet wallet;
    String zoneId;
    String reader;
    String aliceId;
    Enrollment passkey;
    Enrollment phone;
    KeyPair phoneKeys;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        wallet = new MintedWallet(server);
        String siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        reader = readerFor(created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Main entrance")));
        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        aliceId = created("/api/v1/users", Map.of("username", "alice", "roles", List.of("staff")));
        passkey = enroll(aliceId, ProofSigner.generateP256(RANDOM));
        wallet.makePasskey(passkey.deviceId(), aliceId);
        phoneKeys = ProofSigner.generateP256(RANDOM);
        phone = enroll(aliceId, phoneKeys);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_minted_code_of_a_passkey_device_opens_the_door_once_and_is_audited() {
        String code = wallet.mint(passkey.credentialId(), false).text();

        assertDecision(scan(reader, code), "grant", null);
        assertDecision(scan(reader, code), "deny", "replayed");

        JsonNode record = server.get("/api/v1/audit?action=door.scan").json().at("/records/1");
        assertThat(record.get("result").asText()).isEqualTo("grant");
        assertThat(record.get("user").asText()).isEqualTo(aliceId);
        assertThat(record.at("/details/device").asText()).isEqualTo(passkey.deviceId());
        assertThat(record.at("/details/credential").asText()).isEqualTo(passkey.credentialId().toString());
        assertThat(record.at("/details/mintingKey").asInt()).isEqualTo(1);
    }

    @Test
    void the_proof_type_must_be_the_one_of_the_credential_kind() {
        assertDecision(scan(reader, wallet.mint(phone.credentialId(), true).text()), "deny", "wrong_proof_type");
        // A device-signed proof for the passkey credential, signed with the key the device was enrolled with.
        String deviceSigned = new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()).sign(
                ProofType.DEVICE_SIGNED, passkey.credentialId(), now(), RANDOM.nextLong(), true).toText();
        assertDecision(scan(reader, deviceSigned), "deny", "wrong_proof_type");
        assertDecision(scan(reader, new ProofSigner(phoneKeys.getPrivate()).sign(ProofType.DEVICE_SIGNED,
                phone.credentialId(), now(), RANDOM.nextLong(), false).toText()), "grant", null);
    }

    @Test
    void a_code_naming_an_unknown_minting_key_or_signed_by_another_key_is_denied() {
        ProofSigner stranger = new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate());
        assertDecision(scan(reader, stranger.mint(77, passkey.credentialId(), now(), 1L, true).toText()), "deny",
                "unknown_minting_key");
        int active = server.gatehouse().services().reader().mintingKeys().signingKey().keyId();
        assertDecision(scan(reader, stranger.mint(active, passkey.credentialId(), now(), 2L, true).toText()),
                "deny", "bad_signature");
    }

    @Test
    void a_retired_minting_key_names_no_key_at_once_and_the_next_key_is_accepted_before_it_mints() {
        MintingKeys keys = server.gatehouse().services().reader().mintingKeys();
        String before = wallet.mint(passkey.credentialId(), false).text();
        String beforeAgain = wallet.mint(passkey.credentialId(), false).text();
        keys.rotate(ClientInfo.local("test"));
        assertDecision(scan(reader, before), "grant", null);

        keys.rotate(ClientInfo.local("test"));
        assertDecision(scan(reader, beforeAgain), "deny", "unknown_minting_key");
        String after = wallet.mint(passkey.credentialId(), false).text();
        assertThat(((ParseResult.Parsed) AccessProofCodec.parse(after)).proof().mintingKeyId()).isEqualTo(2);
        assertDecision(scan(reader, after), "grant", null);
    }

    @Test
    void a_revoked_passkey_device_s_unexpired_code_is_denied_at_once() {
        String code = wallet.mint(passkey.credentialId(), true).text();
        assertThat(server.post("/api/v1/devices/" + passkey.deviceId() + "/revoke", "").status()).isEqualTo(200);
        assertDecision(scan(reader, code), "deny", "revoked");
    }

    @Test
    void a_door_that_requires_user_verification_takes_the_flag_the_code_was_minted_with() {
        String uvReader = readerFor(created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Server room",
                "requireUserVerification", true)));
        assertDecision(scan(uvReader, wallet.mint(passkey.credentialId(), false).text()), "deny",
                "user_verification_required");
        assertDecision(scan(uvReader, wallet.mint(passkey.credentialId(), true).text()), "grant", null);
    }

    /** Positions drawn with a fixed seed, so that a failure names the same byte again. */
    @Test
    void a_minted_code_altered_in_a_single_byte_is_denied() {
        AccessProof proof = ((ParseResult.Parsed) AccessProofCodec.parse(wallet.mint(passkey.credentialId(), true)
                .text())).proof();
        byte[] bytes = proof.toBytes();
        assertThat(bytes).hasSize(96);
        Random positions = new Random(20261201L);
        for (int round = 0; round < 24; round++) {
            int i = round < 3 ? List.of(0, 31, 95).get(round) : positions.nextInt(bytes.length);
            byte[] altered = bytes.clone();
            altered[i] ^= (byte) (1 << positions.nextInt(8));
            HttpResult result = scan(reader, Base45.encode(altered));
            assertThat(result.json().get("decision").asText()).as("byte " + i + ": " + result).isEqualTo("deny");
        }
        assertDecision(scan(reader, proof.toText()), "grant", null);
    }

    /** The minting keys are one more statement of the read batch, not one more round trip. */
    @Test
    void a_granted_minted_code_reads_in_one_round_trip_and_writes_in_one_more() {
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        server.gatehouse().services().core().database().observeCommits(committed::add);
        assertDecision(scan(reader, wallet.mint(passkey.credentialId(), false).text()), "grant", null);
        server.gatehouse().services().core().database().observeCommits(null);

        List<List<String>> decisions = committed.stream()
                .filter(statements -> statements.stream().anyMatch(sql -> sql.contains("INTO access_replay")))
                .toList();
        assertThat(decisions).singleElement().satisfies(statements -> assertThat(statements).satisfiesExactly(
                reads -> assertThat(reads).contains("FROM readers").contains("FROM devices d")
                        .contains("FROM access_replay").contains("FROM minting_keys").doesNotContain("INSERT"),
                writes -> assertThat(writes).contains("INSERT INTO access_replay").contains("INSERT INTO audit_log")
                        .doesNotContain("SELECT")));
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    String readerFor(String door) {
        HttpResult result = server.post("/api/v1/readers", Map.of("doorId", door, "name", "reader of " + door));
        assertThat(result.status()).isEqualTo(201);
        return result.json().get("credential").asText();
    }

    Enrollment enroll(String userId, KeyPair keys) {
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        assertThat(link.status()).as(link.toString()).isEqualTo(201);
        return new EnrollmentClient().enroll(URI.create(link.json().get("enrollmentUrl").asText()), keys.getPublic(),
                DeviceFacts.cli());
    }

    long now() {
        return server.clock().instant().getEpochSecond();
    }

    HttpResult scan(String readerCredential, String payload) {
        return server.post("/api/v1/scans", Map.of("payload", payload), readerCredential);
    }

    static void assertDecision(HttpResult result, String decision, String reason) {
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(result.json().get("decision").asText()).as(result.toString()).isEqualTo(decision);
        assertThat(result.json().get("reason").isNull() ? null : result.json().get("reason").asText())
                .as(result.toString()).isEqualTo(reason);
    }
}
