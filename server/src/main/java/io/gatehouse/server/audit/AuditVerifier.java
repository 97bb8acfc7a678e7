package io.gatehouse.server.audit;

import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.install.ServeLock;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks the whole audit log, read-only. The numbered checks, each with its own message:
 *
 * <ol>
 *   <li>every linked record's content matches its content MAC (else: altered, or forged without the key);</li>
 *   <li>chain positions run 1, 2, 3, … without a gap (else: records deleted);</li>
 *   <li>every chain MAC follows from the previous one (else: a record inserted, reordered or re-linked);</li>
 *   <li>the chain head names the last linked record (else: records deleted from the end);</li>
 *   <li>every record not linked yet has a valid content MAC (else: inserted by someone without the key) and is
 *       younger than {@link #SEAL_GRACE}, or else no server is serving this data directory and the chain head is
 *       exactly the head this node recorded last: then it is the unsealed tail of a server that was killed, since
 *       unlinking records needs the head rolled back below the recorded one, which check 6 finds (else: it may
 *       have been unlinked, or a running sealer is stuck);</li>
 *   <li>the head this node recorded outside the database is still in the chain (else: the chain was rolled back
 *       to delete or re-link records).</li>
 * </ol>
 *
 * <p>What it cannot see: an attacker holding the master key file can rewrite everything consistently, and one who
 * deletes the newest records together with the head row's update back to an older, genuine head is caught only by
 * comparing with a head recorded earlier (the report prints it; see docs/security.md).
 */
public final class AuditVerifier {
    /** How long a committed record may stay unlinked before verification treats it as suspicious. */
    public static final Duration SEAL_GRACE = Duration.ofMinutes(5);
    private static final int PAGE = 5_000;

    private final AuditMacs macs;
    private final Clock clock;
    private final HeadRecord headRecord;

    /**
     * @param headFile the head recorded by the node whose data directory this is (check 6); it may not exist
     */
    public AuditVerifier(MasterKeyring keyring, Clock clock, java.nio.file.Path headFile) {
        this.macs = new AuditMacs(keyring);
        this.clock = clock;
        this.headRecord = new HeadRecord(headFile);
    }

    /** Verifies against one snapshot of the database, so that servers may keep writing meanwhile. */
    public AuditReport verify(Database database) {
        return database.readSnapshot(this::verify);
    }

    private AuditReport verify(ReadTx tx) {
        List<String> problems = new ArrayList<>();
        // The records named by a problem: the report names the first.
        List<Long> suspect = new ArrayList<>();
        AuditLog.ChainHead head = AuditStore.head(tx).orElse(null);
        if (head == null) {
            problems.add("the chain head row is missing");
            head = new AuditLog.ChainHead(0, null);
        }
        long expectedSeq = 1;
        byte[] previousMac = null;
        long linked = 0;
        long afterSeq = 0;
        while (true) {
            List<StoredRecord> page = AuditStore.linkedAfter(tx, afterSeq, PAGE);
            for (StoredRecord record : page) {
                long seq = record.chainSeq();
                // 1. content
                if (!safeContentCheck(record)) {
                    suspect.add(record.id());
                    problems.add("record " + describe(record) + " was altered: its content does not match its MAC");
                }
                // 2. no gap
                if (seq != expectedSeq) {
                    suspect.add(record.id());
                    problems.add("chain positions " + expectedSeq + " to " + (seq - 1) + " are missing before record "
                            + describe(record) + ": records were deleted");
                }
                // 3. link
                byte[] expectedMac = safeChainMac(record, previousMac, seq);
                if (expectedMac == null || record.chainMac() == null
                        || !MessageDigest.isEqual(expectedMac, record.chainMac())) {
                    if (seq == expectedSeq) {
                        suspect.add(record.id());
                        problems.add("the chain breaks at record " + describe(record)
                                + ": it does not link to the record before it (inserted, reordered or re-linked)");
                    }
                }
                previousMac = record.chainMac();
                expectedSeq = seq + 1;
                linked++;
            }
            if (page.size() < PAGE) {
                break;
            }
            afterSeq = page.get(page.size() - 1).chainSeq();
        }
        // 4. head
        long lastSeq = expectedSeq - 1;
        if (head.seq() != lastSeq || (lastSeq > 0 && (head.mac() == null
                || !MessageDigest.isEqual(head.mac(), previousMac)))) {
            problems.add("the chain head names position " + head.seq() + " but the last linked record is at position "
                    + lastSeq + ": records were deleted from the end, or the head was altered");
        }
        // 6. the head this node recorded is still in the chain (before 5, which depends on it)
        AuditLog.ChainHead recorded = null;
        try {
            recorded = headRecord.read().filter(found -> found.seq() > 0).orElse(null);
        } catch (IllegalStateException unreadable) {
            problems.add(unreadable.getMessage());
        }
        if (recorded != null) {
            byte[] stored = AuditStore.chainMacAt(tx, recorded.seq()).orElse(null);
            if (stored == null || !MessageDigest.isEqual(stored, recorded.mac())) {
                problems.add("the chain no longer holds the head recorded in " + headRecord.file()
                        + " (position " + recorded.seq() + "): records were deleted or re-linked");
            }
        }
        // 5. not yet linked
        Instant cutoff = clock.instant().minus(SEAL_GRACE);
        // No recorded head: this node never linked anything, so the chain must not have begun either.
        boolean headIsRecorded = recorded == null ? head.seq() == 0 : recorded.seq() == head.seq()
                && head.mac() != null && MessageDigest.isEqual(recorded.mac(), head.mac());
        // The head file lies in the data directory; a server serving it would have linked old records long ago.
        boolean serverRunning = ServeLock.isHeld(headRecord.file().toAbsolutePath().getParent());
        List<StoredRecord> pending = AuditStore.allUnlinked(tx);
        boolean crashTail = headIsRecorded && !serverRunning;
        String suspicion = serverRunning ? "although a server is serving this data directory"
                : "and the chain head (position " + head.seq() + ") is not the last head recorded in "
                        + headRecord.file() + (recorded == null ? " (none)" : " (position " + recorded.seq() + ")");
        long unsealedTail = 0;
        for (StoredRecord record : pending) {
            boolean overdue = record.createdAt() < cutoff.toEpochMilli();
            if (!safeContentCheck(record)) {
                suspect.add(record.id());
                problems.add("record " + describe(record) + " was not written by Gatehouse: its MAC is invalid");
            } else if (overdue && crashTail) {
                unsealedTail++;
            } else if (overdue) {
                suspect.add(record.id());
                problems.add("record " + describe(record) + " from " + Instant.ofEpochMilli(record.createdAt())
                        + " is still not linked into the chain after " + SEAL_GRACE.toMinutes() + " minutes, "
                        + suspicion + ": it may have been unlinked from the chain");
            }
        }
        String headText = head.mac() == null ? "-" : HexFormat.of().formatHex(head.mac());
        return new AuditReport(problems.isEmpty(), linked, pending.size(), unsealedTail, head.seq(), headText,
                problems, suspect.stream().min(Long::compare).orElse(null));
    }

    private boolean safeContentCheck(StoredRecord record) {
        try {
            return record.contentMacValid(macs);
        } catch (RuntimeException unknownKey) {
            return false;
        }
    }

    private byte[] safeChainMac(StoredRecord record, byte[] previousMac, long seq) {
        try {
            return record.contentMac() == null ? null : macs.chainMac(record.keyId(), previousMac, seq,
                    record.contentMac());
        } catch (RuntimeException unknownKey) {
            return null;
        }
    }

    private static String describe(StoredRecord record) {
        return "id " + record.id() + (record.chainSeq() == null ? "" : " (chain position " + record.chainSeq() + ")");
    }

    /**
     * The outcome: intact or not, counts, the head to note down, and every problem found.
     *
     * @param unsealedTail records older than {@link #SEAL_GRACE} that are authentic but not linked yet, behind a
     *     chain head that is exactly the one this node recorded last: what a server that was killed leaves
     *     behind. The next {@code serve} links them. Until then nothing proves that none of them was deleted.
     * @param firstSuspectRecord the lowest row id a problem names; null when no problem names a record (the head,
     *     or none)
     */
    public record AuditReport(boolean intact, long linkedRecords, long pendingRecords, long unsealedTail,
            long headPosition, String headMac, List<String> problems, Long firstSuspectRecord) {
        public AuditReport {
            problems = List.copyOf(problems);
        }
    }
}
