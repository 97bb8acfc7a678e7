package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads by someone holding the reader's credential but not its key, and uploads whose events name another door
 * or a user their credential does not belong to: genuine events are never lost, the rest never become facts.
 */
@DatabaseTest
class ReaderUploadTrustTest {
    @TempDir
    Path data;
    TestServer server;
    EnrolledReader r;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        r = new EnrolledReader(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    List<String> alertReasons() {
        List<String> reasons = new ArrayList<>();
        r.records("reader.events.alert").forEach(alert -> reasons.add(alert.get("reason").asText()));
        return reasons;
    }

    @Test
    void a_forged_claim_for_a_future_event_id_does_not_displace_the_signed_event() {
        List<ReaderEvent> genuine = r.chain(3, ChainHead.START);
        ReaderEvent forged = r.forged(ChainHead.of(genuine.get(1)), r.alice("offline", "grant", null));
        assertThat(forged.eventId()).isEqualTo(genuine.get(2).eventId());
        HttpResult claimed = r.upload(List.of(forged));
        assertThat(claimed.json().get("untrusted").asInt()).isEqualTo(1);
        assertThat(claimed.json().get("lastSeq").asLong()).isZero();
        assertThat(r.upload(List.of(forged)).json().get("duplicates").asInt()).isEqualTo(1);

        HttpResult real = r.upload(genuine);
        assertThat(real.json().get("accepted").asInt()).as(real.toString()).isEqualTo(3);
        assertThat(real.json().get("duplicates").asInt()).isZero();
        assertThat(real.json().get("untrusted").asInt()).isZero();
        assertThat(real.json().get("lastSeq").asLong()).isEqualTo(3);
        assertThat(real.json().get("alerts").get(0).asText()).startsWith("conflicting_claims at " + forged.eventId());
        assertThat(r.eventIds("door.scan")).containsExactlyInAnyOrder(r.readerId + "/1", r.readerId + "/2",
                r.readerId + "/3");
        JsonNode untrusted = r.records("reader.event.untrusted");
        assertThat(untrusted).hasSize(1);
        assertThat(untrusted.get(0).get("eventId").asText()).startsWith(r.readerId + "/3#u");
        assertThat(untrusted.get(0).get("reason").asText()).isEqualTo("bad_signature");
        assertThat(untrusted.get(0).get("user").isNull()).isTrue();
        assertThat(alertReasons()).containsExactlyInAnyOrder("bad_signature", "conflicting_claims");
        assertThat(r.upload(genuine).json().get("duplicates").asInt()).isEqualTo(3);
    }

    @Test
    void an_event_merged_before_the_event_id_table_existed_is_still_a_duplicate() {
        List<ReaderEvent> events = r.chain(2, ChainHead.START);
        r.upload(events);
        // What a database migrated to V5 holds for events merged before it: the audit records only.
        server.gatehouse().services().core().database().inTransaction(tx -> tx.update("DELETE FROM reader_events"));
        HttpResult again = r.upload(events);
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(2);
        assertThat(again.json().get("accepted").asInt()).isZero();
        assertThat(again.json().get("alerts")).isEmpty();
        assertThat(r.records("door.scan")).hasSize(2);
    }

    @Test
    void a_copy_of_a_genuine_event_with_a_bad_signature_does_not_take_its_slot() {
        ReaderEvent genuine = r.signed(ChainHead.START, r.alice("offline", "grant", null));
        ReaderEvent copy = new ReaderEvent(genuine.eventId(), genuine.seq(), genuine.time(), genuine.mode(),
                genuine.decision(), genuine.reason(), genuine.credentialId(), genuine.userId(), genuine.doorId(),
                genuine.proofIssuedAt(), genuine.detail(), genuine.prevHash(), genuine.hash(), new byte[64]);
        assertThat(r.upload(List.of(copy)).json().get("untrusted").asInt()).isEqualTo(1);
        HttpResult real = r.upload(List.of(genuine));
        assertThat(real.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(real.json().get("lastSeq").asLong()).isEqualTo(1);
        assertThat(r.eventIds("door.scan")).containsExactly(genuine.eventId());
    }

    @Test
    void an_online_scan_that_claimed_the_event_id_first_does_not_swallow_the_readers_own_event() {
        String other = new ProofSigner(ProofSigner.generateP256(EnrolledReader.RANDOM).getPrivate())
                .sign(ProofType.DEVICE_SIGNED, CredentialId.random(EnrolledReader.RANDOM),
                        server.clock().instant().getEpochSecond(), 5, false).toText();
        HttpResult stolen = server.post("/api/v1/scans", Map.of("payload", other, "eventId", r.readerId + "/1"),
                r.credential);
        assertThat(stolen.json().get("reason").asText()).isEqualTo("unknown_credential");
        // The genuine reader's relayed scan with that id was refused (event_id_reused); it records what it was told.
        ReaderEvent own = r.signed(ChainHead.START, new EventFields(server.clock().millis(), "online", "deny",
                "event_id_reused", r.alice.credentialId().toString(), null, r.doorId, null, "HTTP 409"));
        HttpResult uploaded = r.upload(List.of(own));
        assertThat(uploaded.json().get("accepted").asInt()).as(uploaded.toString()).isEqualTo(1);
        assertThat(uploaded.json().get("duplicates").asInt()).isZero();
        assertThat(uploaded.json().get("alerts").get(0).asText()).startsWith("conflicting_claims");
        assertThat(r.eventIds("door.scan")).hasSize(2).contains(r.readerId + "/1")
                .anyMatch(id -> id.startsWith(r.readerId + "/1#s"));
    }

    @Test
    void an_event_for_another_door_is_kept_as_an_untrusted_claim_and_never_as_a_scan_there() {
        String otherSite = EnrolledReader.id(server.post("/api/v1/sites", Map.of("name", "Far", "timeZone", "UTC")));
        String otherZone = EnrolledReader.id(server.post("/api/v1/zones", Map.of("siteId", otherSite, "name", "Z")));
        String otherDoor = EnrolledReader.id(server.post("/api/v1/doors", Map.of("zoneId", otherZone, "name", "Vault",
                "maxBundleAgeSeconds", 3600)));
        ReaderEvent elsewhere = r.signed(ChainHead.START, new EventFields(server.clock().millis(), "offline",
                "grant", null, r.alice.credentialId().toString(), r.aliceId, otherDoor, null, null));
        HttpResult result = r.upload(List.of(elsewhere));
        assertThat(result.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(result.json().get("untrusted").asInt()).isEqualTo(1);
        assertThat(result.json().get("lastSeq").asLong()).isEqualTo(1);
        assertThat(result.json().get("alerts").get(0).asText()).startsWith("door_mismatch");
        assertThat(r.records("door.scan")).isEmpty();
        JsonNode claim = r.records("reader.event.untrusted").get(0);
        assertThat(claim.get("subject").asText()).isEqualTo("reader:" + r.readerId);
        assertThat(claim.get("result").asText()).isEqualTo("untrusted");
        assertThat(claim.get("user").isNull()).isTrue();
        assertThat(claim.get("details").get("door").asText()).isEqualTo(otherDoor);
        assertThat(server.get("/api/v1/audit?user=" + r.aliceId).json().get("records"))
                .noneMatch(record -> record.get("action").asText().startsWith("door.scan"));
    }

    @Test
    void an_event_naming_a_user_its_credential_does_not_belong_to_is_not_a_fact_about_that_user() {
        String bob = EnrolledReader.id(server.post("/api/v1/users", Map.of("username", "bob", "roles",
                List.of("staff"))));
        EventFields base = r.alice("offline", "grant", null);
        ReaderEvent wrongUser = r.signed(ChainHead.START, new EventFields(base.time(), "offline", "grant", null,
                base.credentialId(), bob, r.doorId, null, null));
        ReaderEvent noCredential = r.signed(ChainHead.of(wrongUser), new EventFields(base.time(), "offline", "grant",
                null, null, bob, r.doorId, null, null));
        ReaderEvent unknownCredential = r.signed(ChainHead.of(noCredential), new EventFields(base.time(), "offline",
                "grant", null, CredentialId.random(EnrolledReader.RANDOM).toString(), bob, r.doorId, null, null));
        ReaderEvent strangerDenied = r.signed(ChainHead.of(unknownCredential), new EventFields(base.time(), "offline",
                "deny", "unknown_credential", CredentialId.random(EnrolledReader.RANDOM).toString(), null, r.doorId,
                null, null));
        ReaderEvent aliceGranted = r.signed(ChainHead.of(strangerDenied), new EventFields(base.time(), "offline",
                "grant", null, base.credentialId(), null, r.doorId, null, null));
        HttpResult result = r.upload(List.of(wrongUser, noCredential, unknownCredential, strangerDenied,
                aliceGranted));
        assertThat(result.json().get("accepted").asInt()).isEqualTo(5);
        assertThat(result.json().get("untrusted").asInt()).isEqualTo(3);
        assertThat(result.json().get("lastSeq").asLong()).isEqualTo(5);
        assertThat(alertReasons()).containsExactly("identity_mismatch", "identity_mismatch", "identity_mismatch");
        assertThat(server.get("/api/v1/audit?user=" + bob).json().get("records"))
                .noneMatch(record -> record.get("action").asText().equals("door.scan"));
        JsonNode scans = r.records("door.scan");
        assertThat(scans).hasSize(2);
        assertThat(r.eventIds("door.scan")).containsExactlyInAnyOrder(strangerDenied.eventId(),
                aliceGranted.eventId());
        scans.forEach(scan -> {
            if (scan.get("eventId").asText().equals(aliceGranted.eventId())) {
                assertThat(scan.get("user").asText()).isEqualTo(r.aliceId);
            } else {
                assertThat(scan.get("user").isNull()).isTrue();
            }
        });
    }
}
