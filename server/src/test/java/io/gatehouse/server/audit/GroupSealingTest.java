package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Dialect;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SQLite a group of decisions links its own audit records into the chain in its commit: an answered decision's
 * record is in the chain, not in an unsealed tail behind it. No background sealer runs here, so what is linked was
 * linked by the group.
 */
class GroupSealingTest {
    @TempDir
    Path dataDir;
    Database database;
    AuditLog audit;
    MasterKeyring keyring;

    @BeforeEach
    void open() {
        database = Database.open(ConfigLoader.load(Map.of(), Map.of("data", dataDir.toString())));
        assertThat(database.dialect()).isEqualTo(Dialect.SQLITE);
        SecureRandom random = new SecureRandom();
        keyring = MasterKeyring.create(dataDir.resolve("keys"), random);
        audit = new AuditLog(keyring, Clock.systemUTC(), random, dataDir.resolve("audit-head"));
        database.finishGroupsWith(audit::sealWithin);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void a_decisions_record_is_in_the_chain_when_its_answer_leaves() {
        long id = database.decide(tx -> audit.append(tx, AuditEvent.of("test", "test.decision",
                ClientInfo.local("test")).success()));

        List<Long> seq = database.read(tx -> tx.query("SELECT chain_seq FROM audit_log WHERE id = ?",
                rs -> rs.getObject(1) == null ? null : rs.getLong(1), id));
        assertThat(seq).containsExactly(1L);
        assertThat(dataDir.resolve("audit-head")).content().startsWith("1 ");
    }

    @Test
    void records_committed_outside_a_group_are_linked_by_the_next_group_or_the_sealer() {
        database.inTransaction(tx -> audit.append(tx, AuditEvent.of("test", "test.admin", ClientInfo.local("test"))
                .success()));
        database.decide(tx -> audit.append(tx, AuditEvent.of("test", "test.decision", ClientInfo.local("test"))
                .success()));

        long unlinked = database.read(tx -> tx.queryLong("SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL"));
        assertThat(unlinked).isZero();
        assertThat(new AuditVerifier(keyring, Clock.systemUTC(), dataDir.resolve("audit-head")).verify(database)
                .intact()).isTrue();
    }
}
