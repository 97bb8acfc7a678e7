package io.gatehouse.server.reader;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.ChainProblem;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import io.gatehouse.server.access.ReaderStore;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.device.DeviceStore;
import io.gatehouse.server.visitor.ReaderPasses;
import io.gatehouse.server.common.ClientInfo;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Merges a reader's uploaded events into the audit log (docs/protocol.md D.5).
 *
 * <p>The expensive part, hashing and checking the reader's signature on every event, runs before any write
 * transaction. The merge then runs in chunks of {@value #CHUNK} events, each its own short transaction that locks
 * the reader's row and re-reads its key and chain head, so one upload holds SQLite's single write lock for a few
 * milliseconds at a time and other decisions (scans, TOTP) take their turn between chunks.
 */
final class EventUpload {
    static final int MAX_EVENTS = 500;
    static final int CHUNK = 25;
    /** Claims read per event id; an id holding more (an attack) is looked up exactly. */
    static final int HELD_READ = 8;
    static final Duration CHECK_WAIT = Duration.ofSeconds(10);
    static final int RETRY_AFTER_SECONDS = 5;

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final ReaderPasses passes;
    private final Semaphore checking = new Semaphore(1, true);

    EventUpload(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.passes = new ReaderPasses(audit);
    }

    /** What an upload did; {@code accepted} counts untrusted claims too (they are stored, as evidence). */
    record Result(int accepted, int duplicates, int untrusted, long lastSeq, List<String> alerts,
            List<EventParser.Refused> refused) {
    }

    /** The reader's key and generation when the upload was checked; every chunk re-checks them. */
    private record Enrollment(byte[] spki, PublicKey key, int generation, long headSeq) {
    }

    /**
     * One parsed event with what was found outside the lock.
     *
     * @param digest the SHA-256 of its content (protocol.md D.2), whatever its {@code hash} field says
     * @param forgery empty when the hash matches the content and the reader's key signed it
     * @param owner the user the server knows as the owner of the event's credential, or null
     * @param visitorKnown the event names, without a credential, a visitor pass the server has
     */
    private record Claim(ReaderEvent event, byte[] digest, Optional<ChainProblem> forgery, String owner,
            boolean visitorKnown) implements Work {
        boolean signed() {
            return forgery.isEmpty();
        }
    }

    /** One element of the upload, in the order the reader sent them. */
    private sealed interface Work permits Claim, Skipped {
    }

    private record Skipped(EventParser.Refused refused) implements Work {
    }

    /** A claim held for an event id; {@code legacy} is an audit record merged before V5, without a digest. */
    private record Slot(String eventId, String source, byte[] digest) {
        static Slot of(ReaderStore.HeldClaim held) {
            return new Slot(held.eventId(), held.source(), held.digest());
        }

        boolean legacy() {
            return "legacy".equals(source);
        }

        /** Whether this is the same claim: the same content, or the online decision the event reports. */
        boolean holds(Claim claim) {
            ReaderEvent event = claim.event();
            return switch (source) {
                case "online" -> ReaderEvent.ONLINE.equals(event.mode()) && MessageDigest.isEqual(digest,
                        Readers.onlineDigest(event.decision(), event.reason(), event.credentialId()));
                case "signed" -> MessageDigest.isEqual(digest, claim.digest());
                case "unsigned" -> !claim.signed() && MessageDigest.isEqual(digest, claim.digest());
                default -> false;
            };
        }
    }

    /** One reason for an alert: a stable code and what was expected and found. */
    private record Problem(String code, String detail) {
    }

    /** Counts across the chunks of one upload. */
    private static final class Tally {
        int accepted;
        int duplicates;
        int untrusted;
        long lastSeq;
        final List<String> alerts = new ArrayList<>();
        final List<EventParser.Refused> refused = new ArrayList<>();
    }

    /** Merges at most {@link #MAX_EVENTS} elements (the controller refuses more before parsing them). */
    Result upload(Readers.Reader reader, List<EventParser.Item> items, ClientInfo client) {
        Enrollment enrollment = database.read(tx -> enrollment(tx, reader));
        List<ReaderEvent> events = items.stream().filter(EventParser.Parsed.class::isInstance)
                .map(item -> ((EventParser.Parsed) item).event()).toList();
        Map<String, String> owners = database.read(tx -> owners(tx, events));
        Set<String> visitors = database.read(tx -> passes.known(tx, events.stream().filter(e -> e.credentialId() == null)
                .flatMap(e -> ReaderPasses.visitorOf(e.userId()).stream()).toList()));
        List<Work> work = checked(items, enrollment.key(), owners, visitors);
        Tally tally = new Tally();
        tally.lastSeq = enrollment.headSeq();
        for (int from = 0; from < work.size(); from += CHUNK) {
            List<Work> chunk = work.subList(from, Math.min(work.size(), from + CHUNK));
            database.decide(tx -> {
                merge(tx, reader, enrollment, chunk, tally, client);
                return null;
            });
        }
        return new Result(tally.accepted, tally.duplicates, tally.untrusted, tally.lastSeq, tally.alerts,
                tally.refused);
    }

    /**
     * Hashes and signature checks, outside any transaction. One upload at a time does them: a reader catching up
     * takes at most one core from the decisions, however many readers upload at once; the others wait up to
     * {@link #CHECK_WAIT} and are then asked to come back.
     */
    private List<Work> checked(List<EventParser.Item> items, PublicKey key, Map<String, String> owners,
            Set<String> visitors) {
        boolean permitted;
        try {
            permitted = checking.tryAcquire(CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            permitted = false;
        }
        if (!permitted) {
            throw GatehouseException.unavailable("uploads_busy", "other readers' uploads were being checked for "
                    + CHECK_WAIT.toSeconds() + " s; upload again in a few seconds", RETRY_AFTER_SECONDS);
        }
        try {
            List<Work> work = new ArrayList<>(items.size());
            for (EventParser.Item item : items) {
                work.add(switch (item) {
                    case EventParser.Parsed parsed -> claim(parsed.event(), key, owners, visitors);
                    case EventParser.Refused refused -> new Skipped(refused);
                });
            }
            return work;
        } finally {
            checking.release();
        }
    }

    private static Enrollment enrollment(ReadTx tx, Readers.Reader reader) {
        ReaderStore.Enrollment stored = ReaderStore.enrollment(tx, reader.id()).orElseThrow();
        if (stored.publicKey() == null) {
            throw GatehouseException.conflict("reader_not_enrolled", "reader '" + reader.id() + "' has no key: enroll it"
                    + " with a provisioning token first");
        }
        PublicKey key;
        try {
            key = PublicKeys.fromSpki(stored.publicKey());
        } catch (IllegalArgumentException e) {
            throw GatehouseException.corrupt("the public key of reader " + reader.id(), e);
        }
        return new Enrollment(stored.publicKey(), key, stored.generation(), stored.eventSeq());
    }

    /** The owners of the credentials the events name; devices never change owner. */
    private static Map<String, String> owners(ReadTx tx, List<ReaderEvent> events) {
        return DeviceStore.owners(tx, events.stream().map(ReaderEvent::credentialId).filter(Objects::nonNull)
                .toList());
    }

    private static Claim claim(ReaderEvent event, PublicKey key, Map<String, String> owners, Set<String> visitors) {
        byte[] digest = ReaderEvents.hash(event.prevHash(), event.eventId(), event.seq(), event.fields());
        // Against a head made of the event's own link, only steps 4 (hash) and 5 (signature) can fail.
        Optional<ChainProblem> forgery = ReaderEvents.verifyChain(List.of(event),
                new ChainHead(event.seq() - 1, event.prevHash()), key);
        return new Claim(event, digest, forgery,
                event.credentialId() == null ? null : owners.get(event.credentialId()),
                event.credentialId() == null && ReaderPasses.visitorOf(event.userId()).filter(visitors::contains)
                        .isPresent());
    }

    private void merge(Tx tx, Readers.Reader reader, Enrollment enrollment, List<Work> chunk, Tally tally,
            ClientInfo client) {
        ReaderStore.ChainState state = ReaderStore.lockChain(tx, reader.id()).orElseThrow();
        if (!MessageDigest.isEqual(state.publicKey(), enrollment.spki())
                || state.generation() != enrollment.generation()) {
            throw GatehouseException.conflict("reader_reenrolled", "reader '" + reader.id() + "' was enrolled again"
                    + " while this upload ran; events already merged are kept, upload the rest again");
        }
        ChainHead head = new ChainHead(state.eventSeq(), state.eventHash() == null ? ChainHead.START.hash()
                : state.eventHash());
        String doorId = state.doorId();
        for (Work item : chunk) {
            switch (item) {
                case Skipped(EventParser.Refused refused) -> {
                    tally.refused.add(refused);
                    audit.append(tx, AuditEvent.of(reader.actor(), "reader.events.refused", client)
                            .subject("reader:" + reader.id()).reason(refused.code()).detail("index", refused.index())
                            .detail("event", refused.eventId()).detail("detail", refused.detail()).result("refused"));
                }
                case Claim claim -> head = mergeOne(tx, reader, enrollment.generation(), doorId, head, claim, tally,
                        client);
            }
        }
        ReaderStore.advanceChain(tx, reader.id(), head.seq(), head.hash());
        tally.lastSeq = head.seq();
    }

    /**
     * One event, in numbered steps; returns the chain head after it. Only an event signed by the reader's key moves
     * the head or takes the bare event id, so a forged claim can neither hide later events nor make the genuine
     * event with its id look like a duplicate.
     */
    private ChainHead mergeOne(Tx tx, Readers.Reader reader, int generation, String doorId, ChainHead head,
            Claim claim, Tally tally, ClientInfo client) {
        ReaderEvent event = claim.event();
        String bare = Readers.storedEventId(event.eventId(), generation);
        ChainHead after = claim.signed() && event.seq() > head.seq() ? ChainHead.of(event) : head;
        // 1. What is held for this id: its claims (the bare id sorts first) and any record merged before V5.
        List<Slot> held = ReaderStore.held(tx, reader.id(), generation, event.seq(), bare, HELD_READ).stream()
                .map(Slot::of).toList();
        List<Slot> claims = held.stream().filter(slot -> !slot.legacy()).toList();
        Optional<String> bareHolder = claims.stream().filter(slot -> slot.eventId().equals(bare))
                .map(Slot::source).findFirst();
        boolean same = held.size() < HELD_READ ? claims.stream().anyMatch(slot -> slot.holds(claim))
                : holdsSame(tx, reader, generation, claim);
        if (same || bareHolder.isEmpty() && held.stream().anyMatch(Slot::legacy)) {
            // A retried upload, the reader's copy of an online decision, or a record merged before V5.
            tally.duplicates++;
            return after;
        }
        // 2. What is wrong with it, each reason an alert.
        List<Problem> problems = new ArrayList<>();
        claim.forgery().ifPresent(p -> problems.add(new Problem(p.kind().code(), p.detail())));
        if (claim.signed() && event.seq() > head.seq()) {
            chainProblem(event, head).ifPresent(problems::add);
        }
        if (!event.doorId().equals(doorId)) {
            problems.add(new Problem("door_mismatch", "expected door '" + doorId + "' (this reader's door), got '"
                    + event.doorId() + "'"));
        }
        identityProblem(event, claim.owner(), claim.visitorKnown()).ifPresent(problems::add);
        if (!claims.isEmpty()) {
            boolean decidedTwice = claim.signed() && ReaderEvent.OFFLINE.equals(event.mode())
                    && bareHolder.filter("online"::equals).isPresent();
            problems.add(decidedTwice
                    ? new Problem("decided_twice", "the server decided event " + event.eventId() + " online and"
                            + " the reader decided it offline too; both are kept")
                    : new Problem("conflicting_claims", "event " + event.eventId() + " is also held as "
                            + claims.stream().limit(3).map(Slot::eventId).toList()
                            + (claims.size() > 3 ? " and more" : "") + "; all are kept"));
        }
        // 3. Where it is stored: the bare id only for a signed event, and only if it is free.
        String source = claim.signed() ? "signed" : "unsigned";
        String storedId = claim.signed() && bareHolder.isEmpty() ? bare
                : bare + (claim.signed() ? "#s" : "#u") + HexFormat.of().formatHex(claim.digest(), 0, 16);
        // 4. Trusted as a fact only when signed and naming this reader's door and a consistent credential and user.
        boolean trusted = problems.stream().noneMatch(p -> UNTRUSTING.contains(p.code()));
        long now = clock.millis();
        audit.append(tx, trusted ? scanRecord(reader, claim, problems) : untrustedRecord(reader, claim, problems),
                storedId, now);
        ReaderStore.insertEvent(tx, new ReaderStore.EventClaim(storedId, reader.id(), generation, event.seq(), source,
                claim.digest(), now));
        // 5. A visitor pass granted offline is an entry: counted here, once, as the event is stored for the first time;
        //    not when the server granted (and counted) the same scan online before the reader gave up waiting.
        boolean countedOnline = bareHolder.filter("online"::equals).isPresent() && claims.stream()
                .filter(slot -> slot.eventId().equals(bare)).anyMatch(slot -> MessageDigest.isEqual(slot.digest(),
                        Readers.onlineDigest(ReaderEvent.GRANT, null, null)));
        if (trusted && claim.visitorKnown() && !countedOnline && ReaderEvent.OFFLINE.equals(event.mode())
                && ReaderEvent.GRANT.equals(event.decision())) {
            passes.offlineEntry(tx, reader.actor(), reader.id(), ReaderPasses.visitorOf(event.userId()).orElseThrow(),
                    storedId, Instant.ofEpochMilli(event.time()));
        }
        for (Problem problem : problems) {
            tally.alerts.add(problem.code() + " at " + event.eventId() + ": " + problem.detail());
            audit.append(tx, AuditEvent.of(reader.actor(), "reader.events.alert", client)
                    .subject("reader:" + reader.id()).reason(problem.code()).detail("event", event.eventId())
                    .detail("storedAs", storedId).detail("detail", problem.detail()).result("alert"));
        }
        tally.accepted++;
        if (!trusted) {
            tally.untrusted++;
        }
        return after;
    }

    /** Problems that keep an event out of the {@code door.scan} facts; the others are noted on the record. */
    private static final List<String> UNTRUSTING = List.of(ChainProblem.Kind.ALTERED.code(),
            ChainProblem.Kind.BAD_SIGNATURE.code(), "door_mismatch", "identity_mismatch");

    /** The exact look-up for an id with more claims than {@link #HELD_READ}: only rows that could match. */
    private static boolean holdsSame(Tx tx, Readers.Reader reader, int generation, Claim claim) {
        ReaderEvent event = claim.event();
        byte[] online = Readers.onlineDigest(event.decision(), event.reason(), event.credentialId());
        return ReaderStore.heldWithDigest(tx, reader.id(), generation, event.seq(), claim.digest(), online).stream()
                .map(Slot::of).anyMatch(slot -> slot.holds(claim));
    }

    /** Steps 2 and 3 of protocol.md D.4 for a signed event ahead of the head (steps 4 and 5 ran before the lock). */
    private static Optional<Problem> chainProblem(ReaderEvent event, ChainHead head) {
        if (event.seq() != head.seq() + 1) {
            return Optional.of(new Problem(ChainProblem.Kind.GAP.code(), "expected seq " + (head.seq() + 1)
                    + ", got " + event.seq() + " (" + (event.seq() - head.seq() - 1) + " event(s) missing)"));
        }
        if (!MessageDigest.isEqual(event.prevHash(), head.hash())) {
            HexFormat hex = HexFormat.of();
            return Optional.of(new Problem(ChainProblem.Kind.BROKEN_LINK.code(), "expected prevHash "
                    + hex.formatHex(head.hash()) + ", got " + hex.formatHex(event.prevHash())));
        }
        return Optional.empty();
    }

    /**
     * A user named without a credential the server knows to be theirs is the reader's word only; a visitor pass is
     * named as {@code visitor:<id>} without a credential, and must be a pass the server has.
     */
    private static Optional<Problem> identityProblem(ReaderEvent event, String owner, boolean visitorKnown) {
        if (event.userId() == null || event.userId().equals(owner) || visitorKnown) {
            return Optional.empty();
        }
        if (event.credentialId() == null && ReaderPasses.visitorOf(event.userId()).isPresent()) {
            return Optional.of(new Problem("identity_mismatch", "the event names '" + event.userId()
                    + "', a visitor pass the server does not have"));
        }
        String detail = event.credentialId() == null
                ? "the event names user '" + event.userId() + "' without a credential"
                : owner == null ? "the event names user '" + event.userId() + "' for credential '"
                        + event.credentialId() + "', which the server does not know"
                : "credential '" + event.credentialId() + "' belongs to another user than '" + event.userId() + "'";
        return Optional.of(new Problem("identity_mismatch", detail));
    }

    /** A fact: the reader's own signed record of a decision at its door. */
    private static AuditEvent scanRecord(Readers.Reader reader, Claim claim, List<Problem> problems) {
        ReaderEvent event = claim.event();
        AuditEvent.Builder builder = AuditEvent.of(reader.actor(), "door.scan", new ClientInfo(null, null))
                .user(claim.owner()).subject("door:" + event.doorId()).reason(event.reason());
        fields(builder, reader, event);
        if (claim.visitorKnown()) {
            builder.detail("visitor", ReaderPasses.visitorOf(event.userId()).orElseThrow());
        }
        problems.stream().findFirst().ifPresent(p -> builder.detail("chainProblem", p.code()));
        return builder.result(event.decision());
    }

    /** A claim kept as evidence: no subject user, no door as subject, result {@code untrusted}. */
    private static AuditEvent untrustedRecord(Readers.Reader reader, Claim claim, List<Problem> problems) {
        ReaderEvent event = claim.event();
        AuditEvent.Builder builder = AuditEvent.of(reader.actor(), "reader.event.untrusted",
                new ClientInfo(null, null)).subject("reader:" + reader.id()).reason(problems.get(0).code())
                .detail("problems", problems.stream().map(Problem::code).toList())
                .detail("claimedDecision", event.decision()).detail("claimedReason", event.reason())
                .detail("claimedUser", event.userId());
        fields(builder, reader, event);
        return builder.result("untrusted");
    }

    private static void fields(AuditEvent.Builder builder, Readers.Reader reader, ReaderEvent event) {
        builder.detail("mode", event.mode()).detail("reader", reader.id()).detail("door", event.doorId())
                .detail("credential", event.credentialId())
                .detail("readerTime", Instant.ofEpochMilli(event.time()).toString())
                .detail("proofIssuedAt", event.proofIssuedAt() == null ? null
                        : Instant.ofEpochSecond(event.proofIssuedAt()).toString())
                .detail("detail", event.detail()).detail("uploaded", true);
    }
}
