package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Core;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.Services;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.MutableClock;
import io.gatehouse.server.testing.TestDatabases;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit chain: intact when untouched, and every kind of tampering is found and located. */
@DatabaseTest
class AuditChainTest {
    @TempDir
    Path data;
    TestServer server;
    Database database;
    AuditLog audit;
    MutableClock clock;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        clock = server.clock();
        database = server.gatehouse().services().core().database();
        audit = server.gatehouse().services().core().audit();
        for (int i = 0; i < 20; i++) {
            int n = i;
            database.inTransaction(tx -> audit.append(tx, AuditEvent.of("test", "test.event",
                    ClientInfo.local("test")).subject("item:" + n).reason("r" + n).success()));
        }
        server.sealAudit();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * What {@code kill -9} leaves behind: records committed after the server's last sealing pass, and no final seal.
     * Returns the configuration to reopen the data with.
     */
    GatehouseConfig killedWithUnsealedTail(int records) {
        GatehouseConfig config = server.gatehouse().config();
        server.close();
        server = null;
        try (Services services = Services.openExisting(config, clock)) {
            for (int i = 0; i < records; i++) {
                int n = i;
                services.core().database().inTransaction(tx -> services.core().audit().append(tx, AuditEvent.of("test",
                        "test.tail", ClientInfo.local("test")).subject("tail:" + n).success()));
            }
        }
        return config;
    }

    /** {@code audit verify} as the command line runs it: on the data alone, no server running. */
    AuditVerifier.AuditReport verifyStopped(GatehouseConfig config) {
        try (Services services = Services.openExisting(config, clock)) {
            return new AuditVerifier(services.core().keyring(), clock, Core.auditHeadFile(config))
                    .verify(services.core().database());
        }
    }

    void inDatabase(GatehouseConfig config, Database.TransactionWork<Object> work) {
        try (Services services = Services.openExisting(config, clock)) {
            services.core().database().inTransaction(work);
        }
    }

    @Test
    void a_valid_unsealed_tail_left_by_a_killed_server_is_reported_as_such_and_the_next_start_links_it() {
        GatehouseConfig config = killedWithUnsealedTail(3);
        clock.advance(AuditVerifier.SEAL_GRACE.plusMinutes(55));
        AuditVerifier.AuditReport killed = verifyStopped(config);
        assertThat(killed.problems()).isEmpty();
        assertThat(killed.intact()).isTrue();
        assertThat(killed.unsealedTail()).isEqualTo(3);
        assertThat(killed.pendingRecords()).isEqualTo(3);

        try (Gatehouse restarted = Gatehouse.start(config, clock)) {
            long unlinked = restarted.services().core().database().read(tx -> tx.queryLong(
                    "SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL"));
            assertThat(unlinked).as("linked before the server listens").isZero();
        }
        AuditVerifier.AuditReport restarted = verifyStopped(config);
        assertThat(restarted.problems()).isEmpty();
        assertThat(restarted.unsealedTail()).isZero();
        assertThat(restarted.pendingRecords()).isZero();
        assertThat(restarted.linkedRecords()).isEqualTo(killed.linkedRecords() + 3);
    }

    @Test
    void a_tail_left_before_anything_was_ever_linked_is_an_unsealed_tail_too(@TempDir Path fresh) {
        GatehouseConfig config = ConfigLoader.load(Map.of(), TestDatabases.fresh(fresh));
        try (Services services = Services.open(config, clock)) {
            Core core = services.core();
            core.database().inTransaction(tx -> core.audit().append(tx, AuditEvent.of("test", "test.first",
                    ClientInfo.local("test")).success()));
        }
        clock.advance(AuditVerifier.SEAL_GRACE.plusMinutes(1));
        AuditVerifier.AuditReport report = verifyStopped(config);
        assertThat(report.problems()).isEmpty();
        assertThat(report.unsealedTail()).isEqualTo(1);
        assertThat(report.linkedRecords()).isZero();
    }

    @Test
    void a_record_deleted_from_an_unsealed_tail_is_not_passed_as_intact_without_the_note() {
        GatehouseConfig config = killedWithUnsealedTail(3);
        inDatabase(config, tx -> tx.update("DELETE FROM audit_log WHERE subject = 'tail:1'"));
        clock.advance(AuditVerifier.SEAL_GRACE.plusMinutes(1));
        AuditVerifier.AuditReport report = verifyStopped(config);
        // Nothing links unsealed records to each other, so this is indistinguishable from a shorter tail: the
        // report says that the tail is unproven (exit 3), never "intact" (exit 0).
        assertThat(report.unsealedTail()).isEqualTo(2);
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void a_forged_record_with_a_bad_mac_in_an_unsealed_tail_breaks_the_chain() {
        GatehouseConfig config = killedWithUnsealedTail(3);
        inDatabase(config, tx -> tx.update("""
                INSERT INTO audit_log (event_id, created_at, actor, action, result, key_id, content_mac)
                SELECT 'forged-tail', created_at, 'attacker', 'token.create', 'success', key_id, content_mac
                FROM audit_log WHERE subject = 'tail:2'"""));
        clock.advance(AuditVerifier.SEAL_GRACE.plusMinutes(1));
        AuditVerifier.AuditReport report = verifyStopped(config);
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("not written by Gatehouse");
    }

    @Test
    void truncating_the_sealed_part_in_front_of_an_unsealed_tail_is_found() {
        GatehouseConfig config = killedWithUnsealedTail(3);
        inDatabase(config, tx -> {
            long head = tx.queryLong("SELECT chain_seq FROM audit_chain_head WHERE id = 1");
            byte[] earlier = tx.queryOne("SELECT chain_mac FROM audit_log WHERE chain_seq = ?", rs -> rs.getBytes(1),
                    head - 5).orElseThrow();
            tx.update("DELETE FROM audit_log WHERE chain_seq > ?", head - 5);
            tx.update("UPDATE audit_chain_head SET chain_seq = ?, chain_mac = ? WHERE id = 1", head - 5, earlier);
            return null;
        });
        clock.advance(AuditVerifier.SEAL_GRACE.plusMinutes(1));
        AuditVerifier.AuditReport report = verifyStopped(config);
        assertThat(report.intact()).isFalse();
        assertThat(report.unsealedTail()).isZero();
        assertThat(report.problems()).anyMatch(p -> p.contains("no longer holds the head"))
                .anyMatch(p -> p.contains("may have been unlinked from the chain"));
    }

    @Test
    void records_unlinked_behind_a_rolled_back_head_do_not_pass_for_an_unsealed_tail() {
        GatehouseConfig config = server.gatehouse().config();
        server.close();
        server = null;
        inDatabase(config, tx -> {
            long head = tx.queryLong("SELECT chain_seq FROM audit_chain_head WHERE id = 1");
            byte[] earlier = tx.queryOne("SELECT chain_mac FROM audit_log WHERE chain_seq = ?", rs -> rs.getBytes(1),
                    head - 5).orElseThrow();
            tx.update("DELETE FROM audit_log WHERE chain_seq = ?", head - 3);
            tx.update("UPDATE audit_log SET chain_seq = NULL, chain_mac = NULL WHERE chain_seq > ?", head - 5);
            tx.update("UPDATE audit_chain_head SET chain_seq = ?, chain_mac = ? WHERE id = 1", head - 5, earlier);
            return null;
        });
        clock.advance(AuditVerifier.SEAL_GRACE.plusMinutes(1));
        AuditVerifier.AuditReport report = verifyStopped(config);
        assertThat(report.intact()).isFalse();
        assertThat(report.unsealedTail()).isZero();
        assertThat(report.problems()).anyMatch(p -> p.contains("no longer holds the head"))
                .anyMatch(p -> p.contains("may have been unlinked from the chain"));
    }

    AuditVerifier.AuditReport verify() {
        return new AuditVerifier(server.gatehouse().services().core().keyring(), server.clock(),
                Core.auditHeadFile(server.gatehouse().config())).verify(database);
    }

    long idOf(String subject) {
        return database.read(tx -> tx.queryLong("SELECT id FROM audit_log WHERE subject = ?", subject));
    }

    @Test
    void an_untouched_chain_verifies() {
        AuditVerifier.AuditReport report = verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.intact()).isTrue();
        assertThat(report.linkedRecords()).isGreaterThanOrEqualTo(20);
        assertThat(report.pendingRecords()).isZero();
    }

    @Test
    void an_altered_record_is_found() {
        long id = idOf("item:7");
        database.inTransaction(tx -> tx.update("UPDATE audit_log SET reason = 'nothing to see' WHERE id = ?", id));
        AuditVerifier.AuditReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains("id " + id) && p.contains("altered"));
    }

    @Test
    void a_deleted_record_is_found() {
        long id = idOf("item:9");
        database.inTransaction(tx -> tx.update("DELETE FROM audit_log WHERE id = ?", id));
        AuditVerifier.AuditReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains("deleted"));
    }

    @Test
    void records_deleted_from_the_end_are_found() {
        long id = idOf("item:19");
        database.inTransaction(tx -> tx.update("DELETE FROM audit_log WHERE id = ?", id));
        assertThat(verify().problems()).anyMatch(p -> p.contains("deleted from the end"));
    }

    @Test
    void a_record_inserted_with_a_forged_link_is_found() {
        database.inTransaction(tx -> tx.update("""
                INSERT INTO audit_log (event_id, created_at, actor, action, result, key_id, content_mac, chain_seq,
                                       chain_mac)
                SELECT 'forged', created_at, 'attacker', 'user.create', 'success', key_id, content_mac, 1000,
                       chain_mac FROM audit_log WHERE subject = 'item:3'"""));
        AuditVerifier.AuditReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains("altered"));
    }

    @Test
    void an_unlinked_record_without_a_valid_mac_is_found_and_never_sealed() {
        database.inTransaction(tx -> tx.update("""
                INSERT INTO audit_log (event_id, created_at, actor, action, result, key_id, content_mac)
                VALUES ('forged-2', 0, 'attacker', 'token.create', 'success', 'mk1', ?)""", (Object) new byte[32]));
        server.sealAudit();
        AuditVerifier.AuditReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains("not written by Gatehouse"));
        long unlinked = database.read(tx -> tx.queryLong(
                "SELECT COUNT(*) FROM audit_log WHERE event_id = 'forged-2' AND chain_seq IS NULL"));
        assertThat(unlinked).isEqualTo(1);
    }

    @Test
    void swapped_records_break_the_chain() {
        long a = idOf("item:4");
        long b = idOf("item:5");
        database.inTransaction(tx -> {
            long seqA = tx.queryLong("SELECT chain_seq FROM audit_log WHERE id = ?", a);
            long seqB = tx.queryLong("SELECT chain_seq FROM audit_log WHERE id = ?", b);
            tx.update("UPDATE audit_log SET chain_seq = ? WHERE id = ?", -1L, a);
            tx.update("UPDATE audit_log SET chain_seq = ? WHERE id = ?", seqA, b);
            tx.update("UPDATE audit_log SET chain_seq = ? WHERE id = ?", seqB, a);
            return null;
        });
        assertThat(verify().problems()).anyMatch(p -> p.contains("chain breaks"));
    }

    @Test
    void a_deletion_hidden_by_rolling_the_head_back_and_relinking_is_found_and_stops_sealing() {
        long deleted = idOf("item:10");
        database.inTransaction(tx -> {
            long seq = tx.queryLong("SELECT chain_seq FROM audit_log WHERE id = ?", deleted);
            byte[] before = tx.queryOne("SELECT chain_mac FROM audit_log WHERE chain_seq = ?", rs -> rs.getBytes(1),
                    seq - 1).orElseThrow();
            tx.update("DELETE FROM audit_log WHERE id = ?", deleted);
            tx.update("UPDATE audit_log SET chain_seq = NULL, chain_mac = NULL WHERE chain_seq > ?", seq);
            tx.update("UPDATE audit_chain_head SET chain_seq = ?, chain_mac = ? WHERE id = 1", seq - 1, before);
            return null;
        });
        assertThatThrownBy(() -> server.sealAudit()).hasMessageContaining("rolled back");
        assertThat(verify().problems()).anyMatch(p -> p.contains("no longer holds the head"));
    }

    @Test
    void a_record_left_unlinked_too_long_is_reported_and_a_fresh_one_is_pending() {
        database.inTransaction(tx -> audit.append(tx, AuditEvent.of("test", "test.late", null).success()));
        AuditVerifier.AuditReport fresh = verify();
        assertThat(fresh.pendingRecords()).isEqualTo(1);
        assertThat(fresh.intact()).isTrue();
        server.clock().advance(AuditVerifier.SEAL_GRACE.plus(Duration.ofSeconds(1)));
        assertThat(verify().problems()).anyMatch(p -> p.contains("still not linked"));
    }
}
