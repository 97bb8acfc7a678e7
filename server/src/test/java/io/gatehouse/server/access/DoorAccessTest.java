package io.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.codec.Base45;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.RawHttp;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Door access end to end: admin API, a device enrolled through its link by the wallet SDK, proofs scanned by
 * readers over HTTP, and one test per verification step's reason (docs/protocol.md).
 */
@DatabaseTest
class DoorAccessTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    String zoneId;
    String doorId;
    String reader;
    String aliceId;
    Phone alice;

    /** An enrolled device: its key and credential id. */
    record Phone(CredentialId credentialId, String deviceId, ProofSigner signer) {
        String proof(long issuedAt, boolean userVerified) {
            return signer.sign(ProofType.DEVICE_SIGNED, credentialId, issuedAt, RANDOM.nextLong(), userVerified)
                    .toText();
        }
    }

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        String siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Main entrance"));
        reader = readerFor(doorId);
        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        aliceId = created("/api/v1/users", Map.of("username", "alice", "roles", List.of("staff")));
        alice = enroll(aliceId);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    String readerFor(String door) {
        HttpResult result = server.post("/api/v1/readers", Map.of("doorId", door, "name", "reader of " + door));
        assertThat(result.status()).isEqualTo(201);
        assertThat(result.json().get("credential").asText()).startsWith("ghr_");
        return result.json().get("credential").asText();
    }

    Phone enroll(String userId) {
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        assertThat(link.status()).as(link.toString()).isEqualTo(201);
        KeyPair keys = ProofSigner.generateP256(RANDOM);
        Enrollment enrollment = new EnrollmentClient().enroll(URI.create(link.json().get("enrollmentUrl").asText()),
                keys.getPublic(), DeviceFacts.cli());
        assertThat(enrollment.trust().code()).isEqualTo("software");
        return new Phone(enrollment.credentialId(), enrollment.deviceId(), new ProofSigner(keys.getPrivate()));
    }

    long now() {
        return server.clock().instant().getEpochSecond();
    }

    HttpResult scan(String readerCredential, String payload) {
        return server.post("/api/v1/scans", Map.of("payload", payload), readerCredential);
    }

    void assertDecision(HttpResult result, String decision, String reason) {
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(result.json().get("decision").asText()).as(result.toString()).isEqualTo(decision);
        assertThat(result.json().get("reason").isNull() ? null : result.json().get("reason").asText())
                .as(result.toString()).isEqualTo(reason);
    }

    @Test
    void a_fresh_proof_from_an_enrolled_phone_opens_the_door_and_is_audited() {
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        JsonNode record = server.get("/api/v1/audit?action=door.scan").json().get("records").get(0);
        assertThat(record.get("user").asText()).isEqualTo(aliceId);
        assertThat(record.get("result").asText()).isEqualTo("grant");
        JsonNode details = record.get("details");
        assertThat(details.get("door").asText()).isEqualTo(doorId);
        assertThat(details.get("device").asText()).isEqualTo(alice.deviceId());
        assertThat(details.get("userVerified").asBoolean()).isFalse();
        assertThat(details.get("deviceModel").asText()).isEqualTo("gatehouse-wallet-cli");
        assertThat(details.get("deviceTrust").asText()).isEqualTo("software");
        assertThat(details.get("reader").asText()).startsWith("rdr_");
        assertThat(details.get("mode").asText()).isEqualTo("online");
        assertThat(details.get("proofIssuedAt").asText()).isNotBlank();
    }

    @Test
    void step1_malformed() {
        assertDecision(scan(reader, "NOT A PROOF"), "deny", "malformed");
        assertDecision(scan(reader, ""), "deny", "malformed");
    }

    @Test
    void step2_unknown_credential() {
        Phone stranger = new Phone(CredentialId.random(RANDOM), "none",
                new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()));
        assertDecision(scan(reader, stranger.proof(now(), true)), "deny", "unknown_credential");
    }

    @Test
    void step3_revoked_device_and_suspended_user_take_effect_on_the_next_scan() {
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        assertThat(server.post("/api/v1/users/" + aliceId + "/suspend", "").status()).isEqualTo(200);
        assertDecision(scan(reader, alice.proof(now(), false)), "deny", "suspended");
        assertThat(server.post("/api/v1/users/" + aliceId + "/resume", "").status()).isEqualTo(200);
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        JsonNode devices = server.get("/api/v1/users/" + aliceId + "/devices").json();
        assertThat(devices.at("/devices/0/id").asText()).isEqualTo(alice.deviceId());
        assertThat(server.post("/api/v1/devices/" + alice.deviceId() + "/revoke", "").status()).isEqualTo(200);
        assertDecision(scan(reader, alice.proof(now(), false)), "deny", "revoked");
    }

    @Test
    void step4_bad_signature() {
        Phone impostor = new Phone(alice.credentialId(), alice.deviceId(),
                new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()));
        assertDecision(scan(reader, impostor.proof(now(), false)), "deny", "bad_signature");
    }

    @Test
    void step4_a_type_2_proof_signed_by_the_device_key_is_denied_and_does_not_spend_its_nonce() {
        AccessProof minted = alice.signer().mint(1, alice.credentialId(), now(), 7L, false);

        assertDecision(scan(reader, minted.toText()), "deny", "wrong_proof_type");

        long spent = server.gatehouse().services().core().database().read(tx -> tx.queryLong(
                "SELECT COUNT(*) FROM access_replay WHERE credential_id = ?", alice.credentialId().toString()));
        assertThat(spent).isZero();
        JsonNode record = server.get("/api/v1/audit?action=door.scan").json().at("/records/0");
        assertThat(record.get("reason").asText()).isEqualTo("wrong_proof_type");
        assertDecision(scan(reader, alice.signer().sign(ProofType.DEVICE_SIGNED, alice.credentialId(), now(), 7L,
                false).toText()), "grant", null);
    }

    @Test
    void step5_expired_and_not_yet_valid_with_the_allowed_skew() {
        // Default door: lifetime 30 s, skew 5 s.
        assertDecision(scan(reader, alice.proof(now() - 35, false)), "grant", null);
        assertDecision(scan(reader, alice.proof(now() - 36, false)), "deny", "expired");
        assertDecision(scan(reader, alice.proof(now() + 5, false)), "grant", null);
        assertDecision(scan(reader, alice.proof(now() + 6, false)), "deny", "not_yet_valid");
    }

    @Test
    void step6_a_proof_is_used_once() {
        String proof = alice.proof(now(), false);
        assertDecision(scan(reader, proof), "grant", null);
        assertDecision(scan(reader, proof), "deny", "replayed");
        assertDecision(scan(readerFor(doorId), proof), "deny", "replayed");
    }

    @Test
    void step7_rules_schedules_user_verification_and_device_trust() {
        String bobId = created("/api/v1/users", Map.of("username", "bob", "roles", List.of("visitors")));
        Phone bob = enroll(bobId);
        assertDecision(scan(reader, bob.proof(now(), true)), "deny", "not_permitted");

        // A night-shift zone open only from two to three hours from now, Berlin time.
        String nightZone = created("/api/v1/zones", Map.of("siteId", server.get("/api/v1/sites").json()
                .at("/sites/0/id").asText(), "name", "Night store"));
        String nightReader = readerFor(created("/api/v1/doors", Map.of("zoneId", nightZone, "name", "Store")));
        ZonedDateTime berlin = server.clock().instant().atZone(ZoneId.of("Europe/Berlin"));
        String from = String.format("%02d:00", berlin.plusHours(2).getHour());
        String to = String.format("%02d:00", berlin.plusHours(3).getHour());
        created("/api/v1/access-rules", Map.of("zoneId", nightZone, "userId", aliceId, "schedule",
                List.of(Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"), "from", from,
                        "to", to))));
        assertDecision(scan(nightReader, alice.proof(now(), false)), "deny", "outside_schedule");
        server.clock().advance(Duration.ofHours(1).plusMinutes(61 - berlin.getMinute()));
        assertDecision(scan(nightReader, alice.proof(now(), false)), "grant", null);

        String uvDoor = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Server room",
                "requireUserVerification", true));
        String uvReader = readerFor(uvDoor);
        assertDecision(scan(uvReader, alice.proof(now(), false)), "deny", "user_verification_required");
        assertDecision(scan(uvReader, alice.proof(now(), true)), "grant", null);

        String vault = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Vault",
                "minimumDeviceTrust", "hardware+biometric"));
        assertDecision(scan(readerFor(vault), alice.proof(now(), true)), "deny", "device_trust_too_low");
    }

    @Test
    void removing_the_rule_takes_effect_on_the_next_scan() {
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        String ruleId = server.get("/api/v1/access-rules").json().at("/accessRules/0/id").asText();
        assertThat(server.delete("/api/v1/access-rules/" + ruleId).status()).isEqualTo(204);
        assertDecision(scan(reader, alice.proof(now(), false)), "deny", "not_permitted");
    }

    /**
     * A decision is three round trips to the database: one that reads the reader, its door with the rules, the
     * credential with its user's roles and the proof's single-use record; one that writes the single-use record, the
     * audit record and the reader's event id; the commit. The commit observer records a batch as one entry.
     */
    @Test
    void a_granted_scan_reads_in_one_round_trip_and_writes_in_one_more() {
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        server.gatehouse().services().core().database().observeCommits(committed::add);

        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        assertDecision(server.post("/api/v1/scans", Map.of("payload", alice.proof(now(), false), "eventId",
                readerId() + "/1"), reader), "grant", null);
        server.gatehouse().services().core().database().observeCommits(null);

        List<List<String>> decisions = committed.stream()
                .filter(statements -> statements.stream().anyMatch(sql -> sql.contains("INTO access_replay")))
                .toList();
        assertThat(decisions).hasSize(2);
        assertThat(decisions.get(0)).satisfiesExactly(
                reads -> assertThat(reads).containsOnlyOnce("readers").contains("FROM readers rd LEFT JOIN doors d")
                        .contains("LEFT JOIN access_rules").contains("FROM devices d").contains("LEFT JOIN user_roles")
                        .contains("FROM access_replay").doesNotContain("INSERT"),
                writes -> assertThat(writes).contains("INSERT INTO access_replay").contains("INSERT INTO audit_log")
                        .doesNotContain("reader_events").doesNotContain("SELECT"));
        assertThat(decisions.get(1)).hasSize(2).startsWith(decisions.get(0).get(0));
        assertThat(decisions.get(1).get(1)).startsWith(decisions.get(0).get(1))
                .contains("INSERT INTO reader_events");
    }

    /**
     * One pass: a scan opens no read handle of its own, only its decision's transaction. On SQLite step 4's
     * signature is verified before that transaction with the key an earlier decision read, and the verifier takes
     * that answer only for the key it reads itself; the first scan of a device is verified inside. PostgreSQL always
     * verifies inside.
     */
    @Test
    void a_scan_reads_only_in_its_decision_and_verifies_early_with_a_key_read_before() {
        Database database = server.gatehouse().services().core().database();
        ScanService scans = server.gatehouse().services().access().scans();
        List<String> readsOnRequestThreads = new CopyOnWriteArrayList<>();
        database.observeReads(() -> {
            if (!Thread.currentThread().getName().startsWith("gatehouse-")) {
                readsOnRequestThreads.add(Thread.currentThread().getName());
            }
        });
        long early = scans.answeredEarly();

        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        assertThat(scans.answeredEarly()).as("the first scan of the device").isEqualTo(early);
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        Phone impostor = new Phone(alice.credentialId(), alice.deviceId(),
                new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()));
        assertDecision(scan(reader, impostor.proof(now(), false)), "deny", "bad_signature");
        database.observeReads(null);

        assertThat(readsOnRequestThreads).isEmpty();
        assertThat(scans.answeredEarly() - early).isEqualTo(database.dialect() == Dialect.SQLITE ? 2 : 0);
    }

    /** A reader remembered from an earlier decision is refused once revoked, and a wrong secret under its id too. */
    @Test
    void a_reader_that_scanned_before_is_refused_after_its_revocation_or_with_a_wrong_secret() {
        assertDecision(scan(reader, alice.proof(now(), false)), "grant", null);
        // Upper-cased on the same connection as the scan before: the header is read exactly (see HttpEdgeTest).
        String wrong = reader.substring(0, reader.lastIndexOf('_') + 1)
                + reader.substring(reader.lastIndexOf('_') + 1).toUpperCase(java.util.Locale.ROOT);
        HttpResult forged = scan(wrong, alice.proof(now(), false));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().get("code").asText()).isEqualTo("invalid_token");

        String readerId = server.get("/api/v1/readers").json().at("/readers/0/id").asText();
        assertThat(server.post("/api/v1/readers/" + readerId + "/revoke", "").status()).isEqualTo(200);
        HttpResult refused = scan(reader, alice.proof(now(), false));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("code").asText()).isEqualTo("reader_revoked");
        assertThat(server.get("/api/v1/audit?action=door.scan").json().get("records")).hasSize(1);
    }

    @Test
    void a_replayed_scan_writes_its_audit_record_without_a_second_single_use_record() {
        String proof = alice.proof(now(), false);
        assertDecision(scan(reader, proof), "grant", null);
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        server.gatehouse().services().core().database().observeCommits(committed::add);

        assertDecision(scan(reader, proof), "deny", "replayed");
        server.gatehouse().services().core().database().observeCommits(null);

        List<List<String>> decisions = committed.stream()
                .filter(statements -> statements.stream().anyMatch(sql -> sql.contains("FROM access_replay")))
                .toList();
        assertThat(decisions).singleElement().satisfies(statements -> assertThat(statements).satisfiesExactly(
                reads -> assertThat(reads).contains("FROM access_replay"),
                writes -> assertThat(writes).contains("INSERT INTO audit_log").doesNotContain("access_replay")));
        assertThat(storedCounts()).containsExactly(2, 1, 0);
    }

    /**
     * The lost race of step 6: the proof's single-use record is written by another transaction after this scan's
     * read batch and committed while its write batch waits (PostgreSQL), or before its transaction starts (SQLite,
     * one writer). Either way the scan is a replay, and the attempt that lost leaves nothing behind.
     */
    @Test
    void a_scan_whose_proof_is_recorded_by_a_concurrent_decision_is_a_replay() throws Exception {
        String proof = alice.proof(now(), false);
        AccessProof parsed = ((ParseResult.Parsed) AccessProofCodec.parse(proof)).proof();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResult> answer = server.gatehouse().services().core().database().inTransaction(tx -> {
                tx.update("INSERT INTO access_replay (credential_id, nonce, expires_at) VALUES (?, ?, ?)",
                        parsed.credentialId().toString(), parsed.nonce(), now() + 600);
                Future<HttpResult> scanned = pool.submit(() -> scan(reader, proof));
                try {
                    // Long enough for the scan to read and reach its write on PostgreSQL.
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return scanned;
            });
            assertDecision(answer.get(30, TimeUnit.SECONDS), "deny", "replayed");
        } finally {
            pool.shutdownNow();
        }
        assertThat(storedCounts()).containsExactly(1, 1, 0);
    }

    @Test
    void a_stored_schedule_or_trust_that_does_not_read_back_is_a_server_fault_not_a_refusal() {
        var database = server.gatehouse().services().core().database();
        database.inTransaction(tx -> tx.update("UPDATE access_rules SET schedule = ?", "{not json"));

        assertServerFault(raw("POST", "/api/v1/scans", reader, Map.of("payload", alice.proof(now(), false))));
        assertServerFault(raw("GET", "/api/v1/access-rules", server.adminToken(), null));

        database.inTransaction(tx -> tx.update("UPDATE access_rules SET schedule = NULL"));
        database.inTransaction(tx -> tx.update("UPDATE devices SET trust = 'titanium'"));
        assertServerFault(raw("POST", "/api/v1/scans", reader, Map.of("payload", alice.proof(now(), false))));
        assertServerFault(raw("GET", "/api/v1/users/" + aliceId + "/devices", server.adminToken(), null));
        assertThat(storedCounts()).containsExactly(0, 0, 0);
    }

    /** A request over a plain socket; its answer is held to the API contract like any other (RawHttp does it). */
    private RawHttp.Answer raw(String method, String path, String token, Map<String, ?> body) {
        String json = body == null ? "" : Json.write(body);
        return RawHttp.send(server.gatehouse().port(), method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + token + "\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + json.length()
                + "\r\n\r\n" + json);
    }

    private static void assertServerFault(RawHttp.Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(500);
        assertThat(answer.json().get("code").asText()).isEqualTo("internal_error");
    }

    @Test
    void a_retried_grant_answers_the_first_decision_and_changes_nothing() {
        String proof = alice.proof(now(), false);
        Map<String, Object> body = Map.of("payload", proof, "eventId", readerId() + "/1");
        assertDecision(server.post("/api/v1/scans", body, reader), "grant", null);
        long[] before = storedCounts();

        HttpResult retried = server.post("/api/v1/scans", body, reader);

        assertDecision(retried, "grant", null);
        assertThat(retried.json().get("duplicate").asBoolean()).isTrue();
        assertThat(storedCounts()).containsExactly(before);
        assertThat(before).containsExactly(1, 1, 1);
    }

    @Test
    void a_wrong_reader_secret_is_refused_before_the_body_is_parsed() {
        String wrong = reader.substring(0, reader.length() - 4) + (reader.endsWith("aaaa") ? "bbbb" : "aaaa");
        long[] before = storedCounts();

        HttpResult refused = server.post("/api/v1/scans", "{not json", wrong);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_token");
        assertThat(refused.json().get("detail").asText()).isEqualTo("the reader credential is unknown or wrong");
        assertThat(storedCounts()).containsExactly(before);
        HttpResult noPayload = server.post("/api/v1/scans", Map.of("eventId", readerId() + "/1"), reader);
        assertThat(noPayload.status()).as(noPayload.toString()).isEqualTo(400);
        assertThat(noPayload.json().get("code").asText()).isEqualTo("invalid_field");
        assertThat(storedCounts()).containsExactly(before);
    }

    /** Audit records of scans, single-use records and reader event ids. */
    long[] storedCounts() {
        return server.gatehouse().services().core().database().read(tx -> new long[] {
            tx.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'door.scan'"),
            tx.queryLong("SELECT COUNT(*) FROM access_replay"),
            tx.queryLong("SELECT COUNT(*) FROM reader_events")});
    }

    String readerId() {
        return server.get("/api/v1/readers").json().at("/readers/0/id").asText();
    }

    @Test
    void a_proof_altered_in_any_single_byte_is_denied() {
        AccessProof proof = alice.signer().sign(ProofType.DEVICE_SIGNED, alice.credentialId(), now(), 42L, false);
        byte[] bytes = proof.toBytes();
        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= (byte) 0x01;
            HttpResult result = scan(reader, Base45.encode(altered));
            assertThat(result.json().get("decision").asText()).as("byte " + i).isEqualTo("deny");
        }
        assertDecision(scan(reader, proof.toText()), "grant", null);
    }

    @Test
    void the_device_link_works_once_and_a_revoked_reader_is_refused() {
        HttpResult link = server.post("/api/v1/users/" + aliceId + "/device-enrollments", "");
        URI url = URI.create(link.json().get("enrollmentUrl").asText());
        assertThat(server.get(url.toString(), null).status()).isEqualTo(200);
        new EnrollmentClient().enroll(url, ProofSigner.generateP256(RANDOM).getPublic(), DeviceFacts.cli());
        HttpResult again = server.post(url.toString(), Map.of("publicKey", "AAAA"), null);
        assertThat(again.status()).isIn(400, 410);
        HttpResult reuse = server.post(url.toString(), Map.of("publicKey", io.gatehouse.protocol.codec.Base64Url
                .encode(ProofSigner.generateP256(RANDOM).getPublic().getEncoded())), null);
        assertThat(reuse.status()).isEqualTo(410);

        String readerId = server.get("/api/v1/readers").json().at("/readers/0/id").asText();
        assertThat(server.post("/api/v1/readers/" + readerId + "/revoke", "").status()).isEqualTo(200);
        HttpResult refused = scan(reader, alice.proof(now(), false));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("code").asText()).isEqualTo("reader_revoked");
    }

    @Test
    void the_same_proof_at_two_readers_at_once_grants_exactly_once() throws Exception {
        String second = readerFor(doorId);
        assertExactlyOneGrantPerProof(server, reader, server, second);
    }

    @Test
    void the_same_proof_at_two_nodes_sharing_the_database_grants_exactly_once() throws Exception {
        try (TestServer node2 = server.secondNode()) {
            assertExactlyOneGrantPerProof(server, reader, node2, readerFor(doorId));
        }
    }

    private void assertExactlyOneGrantPerProof(TestServer nodeA, String readerA, TestServer nodeB, String readerB)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String proof = alice.proof(now(), false);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResult>> answers = new ArrayList<>();
                answers.add(pool.submit(() -> {
                    go.await();
                    return nodeA.post("/api/v1/scans", Map.of("payload", proof), readerA);
                }));
                answers.add(pool.submit(() -> {
                    go.await();
                    return nodeB.post("/api/v1/scans", Map.of("payload", proof), readerB);
                }));
                go.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<HttpResult> answer : answers) {
                    JsonNode json = answer.get().json();
                    outcomes.add(json.get("decision").asText() + ":" + json.get("reason").asText());
                }
                assertThat(outcomes).as("round " + round).containsExactlyInAnyOrder("grant:null", "deny:replayed");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
