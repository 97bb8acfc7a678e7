package io.gatehouse.server.visitor;

import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.pass.PassVerifier;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What offline readers need from visitor passes: the passes a door's bundle carries, and the reconciliation of the
 * entries readers granted offline when their events are merged (docs/protocol.md, "Visitor passes offline").
 */
public final class ReaderPasses {
    private final AuditLog audit;

    public ReaderPasses(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * The live passes that invite the door (directly or by its zone) and whose window has not ended, with the entries
     * counted so far. Windows are cut to whole seconds inwards, so the reader never admits outside the stored window.
     */
    public List<BundlePass> forBundle(ReadTx tx, String doorId, String zoneId, Instant now) {
        return VisitorStore.passesForDoor(tx, doorId, zoneId, now).stream()
                .map(pass -> new BundlePass(pass.handleHash(), pass.visitorId(),
                        Math.ceilDiv(pass.from().toEpochMilli(), 1000), Math.floorDiv(pass.until().toEpochMilli(), 1000),
                        pass.maxEntries(), Math.min(pass.entriesUsed(), pass.maxEntries())))
                .filter(pass -> pass.validUntilEpochSecond() > pass.validFromEpochSecond())
                .toList();
    }

    /** The visitor id an event names as {@code visitor:<id>}, if it does. */
    public static Optional<String> visitorOf(String subject) {
        return subject != null && subject.startsWith(PassVerifier.SUBJECT_PREFIX)
                ? Optional.of(subject.substring(PassVerifier.SUBJECT_PREFIX.length())).filter(id -> !id.isEmpty())
                : Optional.empty();
    }

    /** Which of these visitor ids name a pass the server has (erased ones included: the row stays). */
    public Set<String> known(ReadTx tx, Collection<String> visitorIds) {
        return visitorIds.stream().distinct().filter(id -> VisitorStore.byId(tx, id).isPresent())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Counts an entry a reader granted offline, once per merged event (the caller runs it only for an event stored
     * for the first time). When the pass had no entry left, because other readers or online scans used them while
     * this reader was cut off, the entry is recorded as {@code visitor.pass.overuse} instead: the count stays at the
     * maximum and the excess is in the audit log, never lost or counted twice.
     */
    public void offlineEntry(Tx tx, String readerActor, String readerId, String visitorId, String storedEventId,
            Instant readerTime) {
        if (VisitorStore.recordOfflineEntry(tx, visitorId, readerTime)) {
            return;
        }
        Optional<Visitor> pass = VisitorStore.byId(tx, visitorId);
        audit.append(tx, AuditEvent.of(readerActor, "visitor.pass.overuse", new ClientInfo(null, null))
                .subject("visitor:" + visitorId).reason("entries_exceeded").detail("visitor", visitorId)
                .detail("reader", readerId).detail("event", storedEventId)
                .detail("readerTime", readerTime.toString())
                .detail("maxEntries", pass.map(Visitor::maxEntries).orElse(null))
                .detail("detail", "reader " + readerId + " admitted this pass offline after all its "
                        + pass.map(Visitor::maxEntries).map(String::valueOf).orElse("?") + " entries were used"
                        + " (other readers or online scans used them while it was cut off)")
                .result("alert"));
    }
}
