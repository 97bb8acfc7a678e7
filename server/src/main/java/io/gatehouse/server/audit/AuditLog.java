package io.gatehouse.server.audit;

import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.Json;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Appends audit records and links them into the chain.
 *
 * <p>{@link #append} runs inside the caller's transaction, so a change and its record commit or roll back together;
 * it only inserts one row and takes no shared lock, so concurrent requests do not queue behind the audit log.
 * {@link #seal} then links the records committed since the last seal into the hash chain, one batch per call, under
 * the lock of the single chain-head row. The server calls it a few times a second; the command line calls it after
 * its own writes. See docs/architecture.md.
 *
 * <p>Every record appended is published to {@link #feed} once its transaction has committed, never before.
 */
public final class AuditLog {
    /** Records linked per transaction: small, because on SQLite the sealer holds the only write lock meanwhile. */
    static final int SEAL_BATCH = 500;

    private final AuditMacs macs;
    private final Clock clock;
    private final SecureRandom random;
    /** Forged records already reported, so that each is logged once rather than on every sealing pass. */
    private final java.util.Set<Long> reportedForgeries = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final HeadRecord headRecord;
    private final AuditFeed feed = new AuditFeed();
    /** Counts the sealing passes that linked something; readers of sealed records wait on it. */
    private final Object sealedSignal = new Object();
    private long sealedGeneration;
    private volatile boolean rollbackReported;

    /**
     * @param headFile where this node records the last head it linked (see {@link HeadRecord}); in the data
     *     directory
     */
    public AuditLog(io.gatehouse.server.crypto.MasterKeyring keyring, Clock clock, SecureRandom random,
            java.nio.file.Path headFile) {
        this.macs = new AuditMacs(keyring);
        this.clock = clock;
        this.random = random;
        this.headRecord = new HeadRecord(headFile);
    }

    /** Writes {@code event} in {@code tx} with a fresh event id; returns the record's row id. */
    public long append(Tx tx, AuditEvent event) {
        return append(tx, event, freshEventId(), clock.millis());
    }

    /** Writes {@code event} under a caller-chosen unique event id and time. */
    public long append(Tx tx, AuditEvent event, String eventId, long createdAtMillis) {
        long id = AuditStore.insert(tx, record(event, eventId, createdAtMillis));
        tx.afterCommit(() -> feed.publish(entry(id, event, createdAtMillis)));
        return id;
    }

    /**
     * Adds the insert of {@code event} to {@code batch}, under {@code eventId} (null: a fresh one) and the time
     * given: for a decision that sends all its writes in one round trip.
     */
    public void append(Tx.Batch batch, AuditEvent event, String eventId, long createdAtMillis) {
        Tx.Result<Long> id = AuditStore.insert(batch, record(event, eventId == null ? freshEventId() : eventId,
                createdAtMillis));
        batch.afterCommit(() -> feed.publish(entry(id.get(), event, createdAtMillis)));
    }

    /**
     * The decision recorded under {@code eventId}: its result and reason, and one text member of its details (null
     * when absent). What a retried request that names its own event id (a reader's scan) is answered from.
     */
    public record Recorded(String result, String reason, String detail) {
    }

    /** The record stored under {@code eventId} (the indexed, unique column), if any, with details member {@code field}. */
    public static java.util.Optional<Recorded> recorded(io.gatehouse.server.db.ReadTx tx, String eventId,
            String field) {
        return AuditStore.byEventId(tx, eventId).map(row -> new Recorded(row.result(), row.reason(),
                detailText(row, field)));
    }

    private static String detailText(StoredRecord row, String field) {
        if (row.details() == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode value = Json.MAPPER.readTree(row.details()).get(field);
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (java.io.IOException e) {
            throw io.gatehouse.server.common.GatehouseException.corrupt("the details of audit record " + row.id(), e);
        }
    }

    private static AuditFeed.Entry entry(long id, AuditEvent event, long createdAtMillis) {
        return AuditFeed.Entry.of(id, createdAtMillis, event.action(), event.result(), event.reason(),
                event.subjectUser(), event.subject());
    }

    /**
     * Waits until this process has sealed records since {@code seen}, or for {@code wait} at most. Sealed records are
     * what followers of the chain read ({@code AlertEngine}); waking on each commit instead would have them look
     * before anything new is readable, once per commit.
     *
     * @param seen the value this returned last time, or 0
     * @return the sealing generation now: greater than {@code seen} when something was sealed meanwhile
     * @throws InterruptedException when interrupted while waiting
     */
    public long awaitSealed(long seen, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (sealedSignal) {
            while (sealedGeneration == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(sealedSignal, left);
            }
            return sealedGeneration;
        }
    }

    /** The records this process commits, published after each commit; see {@link AuditFeed}. */
    public AuditFeed feed() {
        return feed;
    }

    private String freshEventId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    private AuditStore.NewRecord record(AuditEvent event, String eventId, long createdAtMillis) {
        String details = event.details().isEmpty() ? null : Json.write(event.details());
        String keyId = macs.activeKeyId();
        byte[] contentMac = macs.contentMac(keyId, eventId, createdAtMillis, event.actor(), event.action(),
                event.subjectUser(), event.subject(), event.result(), event.reason(), event.client().address(),
                event.client().userAgent(), details);
        return new AuditStore.NewRecord(eventId, createdAtMillis, event, details, keyId, contentMac);
    }

    /**
     * Links every committed, not yet linked record into the chain (in batches), and returns how many it linked. A
     * record whose content MAC does not verify is left out of the chain, so that {@code audit verify} reports it.
     */
    public int seal(Database database) {
        int total = 0;
        long afterId = 0;
        while (true) {
            long cursor = afterId;
            Batch batch = database.inTransaction(tx -> sealBatch(tx, cursor));
            if (batch.linked() > 0) {
                // Recorded after the commit: a crash in between leaves the record behind the chain (a smaller
                // window of protection), never ahead of it (a false alarm).
                headRecord.write(batch.head());
            }
            total += batch.linked();
            if (batch.examined() < SEAL_BATCH) {
                if (total > 0) {
                    synchronized (sealedSignal) {
                        sealedGeneration++;
                        sealedSignal.notifyAll();
                    }
                }
                return total;
            }
            afterId = batch.lastId();
        }
    }

    private Batch sealBatch(Tx tx, long afterId) {
        ChainHead head = AuditStore.lockHead(tx).orElseThrow(() -> new IllegalStateException("audit_chain_head row is missing"));
        refuseRollback(tx, head);
        List<StoredRecord> pending = AuditStore.unlinkedAfter(tx, afterId, SEAL_BATCH);
        long seq = head.seq();
        byte[] previous = head.mac();
        List<StoredRecord> linked = new ArrayList<>();
        for (StoredRecord record : pending) {
            if (!record.contentMacValid(macs)) {
                if (reportedForgeries.size() < 10_000 && reportedForgeries.add(record.id())) {
                    org.slf4j.LoggerFactory.getLogger(AuditLog.class).error(
                        "audit record {} has an invalid content MAC and was not written by Gatehouse; it is left"
                                + " out of the chain", record.id());
                }
                continue;
            }
            seq++;
            byte[] chainMac = macs.chainMac(record.keyId(), previous, seq, record.contentMac());
            AuditStore.link(tx, record.id(), seq, chainMac);
            previous = chainMac;
            linked.add(record);
        }
        if (!linked.isEmpty()) {
            AuditStore.moveHead(tx, seq, previous);
        }
        long lastId = pending.isEmpty() ? afterId : pending.get(pending.size() - 1).id();
        return new Batch(pending.size(), linked.size(), lastId, new ChainHead(seq, previous));
    }

    private record Batch(int examined, int linked, long lastId, ChainHead head) {
    }

    /**
     * Refuses to link anything when the chain no longer contains the head this node recorded: someone rolled the
     * head back (to delete or re-link records), and linking more would bury that.
     */
    private void refuseRollback(Tx tx, ChainHead head) {
        ChainHead recorded = headRecord.read().orElse(null);
        if (recorded == null || recorded.seq() == 0) {
            return;
        }
        byte[] stored = AuditStore.chainMacAt(tx, recorded.seq()).orElse(null);
        if (head.seq() < recorded.seq() || stored == null || !java.security.MessageDigest.isEqual(stored,
                recorded.mac())) {
            if (!rollbackReported) {
                rollbackReported = true;
                org.slf4j.LoggerFactory.getLogger(AuditLog.class).error("the audit chain no longer holds the head"
                        + " this node recorded (position {}) in {}: records were deleted or re-linked; sealing"
                        + " stops until this is investigated", recorded.seq(), headRecord.file());
            }
            throw new IllegalStateException("audit chain rolled back behind the recorded head " + recorded.seq());
        }
    }

    record ChainHead(long seq, byte[] mac) {
    }
}
