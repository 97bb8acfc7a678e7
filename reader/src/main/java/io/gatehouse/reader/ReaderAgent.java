package io.gatehouse.reader;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DenyReason;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleParseResult;
import io.gatehouse.protocol.bundle.BundleRefusal;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.pass.PassDecision;
import io.gatehouse.protocol.pass.PassText;
import io.gatehouse.protocol.pass.PassVerifier;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.reader.door.DoorDriver;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The door reader: turns each scan into exactly one recorded decision.
 *
 * <p>For each scan, in this order: the scan gets the next seq and its event id; it is relayed to the
 * server, which decides ({@code "mode":"online"}); if no usable answer comes within the online timeout,
 * the reader decides itself ({@code "mode":"offline"}) with the same {@link AccessVerifier} steps against
 * its last good bundle and its own replay cache (a visitor pass: with {@link PassVerifier} and the entries
 * counted here, {@link PassEntries}), or by the door's offline mode when the bundle has expired; the event is appended to the durable queue and forced to disk; only then is the decision
 * printed (one JSON line) and, for a grant, the door driven.
 *
 * <p>In the background ({@link #start()}) the reader fetches and verifies its bundle, uploads the queue
 * and prunes the replay cache, every sync interval and whenever the server has just answered a scan.
 *
 * <p>A reader whose credential the server refuses as revoked ({@code 401} with {@code reader_revoked}
 * or {@code invalid_token}) remembers it in its config and denies every scan from then on, online or not,
 * until it is provisioned again.
 */
public final class ReaderAgent implements AutoCloseable {

    // ---- Constants --------------------------------------------------------------------------------

    /** The largest batch of events uploaded in one request. */
    public static final int UPLOAD_BATCH = 500;

    /** How long a relayed proof stays in the replay cache when there is no bundle to say its lifetime. */
    public static final Duration DEFAULT_REPLAY_RETENTION = Duration.ofHours(1);

    /** Problem codes of a 401 that mean this reader's credential is gone for good. */
    public static final Set<String> REVOCATION_CODES = Set.of("reader_revoked", "invalid_token");

    private static final int MAX_DETAIL = 1000;

    /** Server deny reasons given only after the proof passed steps 1-5, when the server has spent its nonce. */
    private static final Set<String> SPENT_REASONS = Arrays.stream(DenyReason.values())
            .filter(reason -> reason.step() >= 6)
            .map(DenyReason::code)
            .collect(Collectors.toUnmodifiableSet());

    // ---- Settings ---------------------------------------------------------------------------------

    /**
     * How to run.
     *
     * @param stateDir the state directory; not null
     * @param clock the reader's clock; not null
     * @param http the HTTP client for the server; not null
     * @param onlineTimeout how long a relayed scan may take before the reader decides offline; positive
     * @param syncInterval how often the bundle is fetched and the queue uploaded; positive
     * @param syncTimeout the deadline of one bundle download or upload request; positive
     * @param unlockDuration how long a grant unlocks the door; positive
     * @param doorDriver makes the door driver for the enrolled door id; not null
     * @param out where decision lines go (standard output); not null
     * @param diagnostics where reports go (standard error); not null
     */
    public record Settings(Path stateDir, Clock clock, HttpClient http, Duration onlineTimeout, Duration syncInterval,
            Duration syncTimeout, Duration unlockDuration, Function<String, DoorDriver> doorDriver, PrintWriter out,
            Diagnostics diagnostics) {

        /**
         * @throws NullPointerException if a reference is null
         * @throws IllegalArgumentException if a duration is not positive
         */
        public Settings {
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(http, "http");
            requirePositive(onlineTimeout, "onlineTimeout");
            requirePositive(syncInterval, "syncInterval");
            requirePositive(syncTimeout, "syncTimeout");
            requirePositive(unlockDuration, "unlockDuration");
            Objects.requireNonNull(doorDriver, "doorDriver");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(diagnostics, "diagnostics");
        }

        private static void requirePositive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
        }
    }

    /**
     * One recorded decision and the line printed for it.
     *
     * @param event the event as written to the queue; not null
     * @param line the JSON line printed on standard output; not null
     */
    public record Scan(ReaderEvent event, String line) {
    }

    /** How a bundle synchronisation ended. */
    public enum BundleSync {
        /** A newer bundle was verified and is now in use. */
        ACCEPTED,
        /** The server has nothing newer. */
        UNCHANGED,
        /** The downloaded bundle failed verification and the last good one is kept. */
        REFUSED,
        /** The server did not answer, or refused the request for another reason than revocation. */
        NOT_FETCHED,
        /** The reader is revoked. */
        REVOKED
    }

    /** How an upload ended. */
    public enum Upload {
        /** Every event is acknowledged. */
        DONE,
        /** Some events are still waiting (no answer, a refusal, or the time ran out). */
        INCOMPLETE,
        /** The reader is revoked; its events wait for the next provisioning. */
        REVOKED
    }

    /**
     * A bundle in use, with the hash of its bytes and of its content (everything after version, issued-at
     * and expires-at, and before the signature): the server builds a new version at every download, and
     * only a changed content is worth a report.
     */
    private record LoadedBundle(ReaderBundle bundle, BundleDirectory directory, PassVerifier passes, byte[] sha256,
            byte[] contentSha256) {
        static LoadedBundle of(ReaderBundle bundle, byte[] bytes) {
            int headerEnd = 4 + 3 * Long.BYTES; // magic, version, issued-at, expires-at
            byte[] content = Arrays.copyOfRange(bytes, headerEnd, bytes.length - BundleCodec.SIGNATURE_LENGTH);
            return new LoadedBundle(bundle, new BundleDirectory(bundle), new PassVerifier(bundle),
                    ReaderAgent.sha256(bytes), ReaderAgent.sha256(content));
        }
    }

    /** What the scanned text says about itself, when it parses as an access proof. */
    private record ProofInfo(AccessProof proof) {
        static Optional<ProofInfo> of(String text) {
            return AccessProofCodec.parse(text) instanceof ParseResult.Parsed parsed
                    ? Optional.of(new ProofInfo(parsed.proof())) : Optional.empty();
        }
    }

    /** A decision before it is recorded. */
    private record Outcome(String mode, String decision, String reason, String detail, String userId) {
        static Outcome online(String decision, String reason, String detail, String userId) {
            return new Outcome(ReaderEvent.ONLINE, decision, reason, detail, userId);
        }

        static Outcome offline(String decision, String reason, String detail, String userId) {
            return new Outcome(ReaderEvent.OFFLINE, decision, reason, detail, userId);
        }
    }

    // ---- State ------------------------------------------------------------------------------------

    private final Settings settings;
    private final StateDirectory state;
    private final StateDirectory.Lock lock;
    private final ServerClient client;
    private final PrivateKey key;
    private final EventQueue queue;
    private final ReplayCache replay;
    private final PassEntries passEntries;
    private final DoorDriver door;
    private final AccessVerifier verifier = new AccessVerifier();
    private final Diagnostics diagnostics;
    private final Object configLock = new Object();
    private final Object syncLock = new Object();
    private final Object uploadLock = new Object();
    private final AtomicBoolean uploadQueued = new AtomicBoolean();
    private final ExecutorService doorExecutor;
    private volatile ReaderConfig config;
    private volatile LoadedBundle bundle;
    private volatile boolean serverAnswering = true;
    private volatile ScheduledExecutorService background;

    private ReaderAgent(Settings settings, StateDirectory state, StateDirectory.Lock lock, ReaderConfig config,
            PrivateKey key, EventQueue queue, ReplayCache replay, PassEntries passEntries, LoadedBundle bundle) {
        this.settings = settings;
        this.state = state;
        this.lock = lock;
        this.config = config;
        this.key = key;
        this.queue = queue;
        this.replay = replay;
        this.passEntries = passEntries;
        this.bundle = bundle;
        this.diagnostics = settings.diagnostics();
        this.client = new ServerClient(settings.http());
        this.door = settings.doorDriver().apply(config.doorId());
        this.doorExecutor = Executors.newSingleThreadExecutor(daemon("gatehouse-reader-door"));
    }

    // ---- Opening and closing ----------------------------------------------------------------------

    /**
     * Opens the reader's state: takes the directory lock, reads config and key, loads the last good bundle,
     * opens the event queue (dropping a torn last line) and the replay cache, and records a scan that was
     * being relayed when the reader last stopped. Does not contact the server; call {@link #start()}.
     *
     * @param settings how to run; not null
     * @return the reader, to be closed; never null
     * @throws ReaderException if the state directory is locked, not enrolled, unreadable or corrupt
     */
    public static ReaderAgent open(Settings settings) {
        StateDirectory state = new StateDirectory(settings.stateDir());
        StateDirectory.Lock lock = state.lock();
        EventQueue queue = null;
        ReplayCache replay = null;
        PassEntries passEntries = null;
        try {
            ReaderConfig config = state.loadConfig();
            PrivateKey key = state.loadKey(config.keyFile());
            LoadedBundle bundle = loadStoredBundle(state, config, settings.diagnostics());
            queue = EventQueue.open(state.file(StateDirectory.EVENTS), state.file(StateDirectory.ACKED), settings.diagnostics());
            if (queue.readerIdInFile().filter(id -> !id.equals(config.readerId())).isPresent()) {
                // Re-provisioned as another reader and stopped before the old files were archived.
                String previousReader = queue.readerIdInFile().get();
                queue.close();
                Enroller.archive(state, previousReader, Enroller.READER_FILES, settings.clock(), settings.diagnostics());
                queue = EventQueue.open(state.file(StateDirectory.EVENTS), state.file(StateDirectory.ACKED),
                        settings.diagnostics());
            }
            replay = ReplayCache.open(state.file(StateDirectory.REPLAY), settings.clock(), settings.diagnostics());
            passEntries = PassEntries.open(state.file(StateDirectory.PASSES), settings.clock(), settings.diagnostics());
            ReaderAgent agent = new ReaderAgent(settings, state, lock, config, key, queue, replay, passEntries, bundle);
            agent.recoverInterruptedRelay();
            return agent;
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.close();
            }
            if (replay != null) {
                replay.close();
            }
            if (passEntries != null) {
                passEntries.close();
            }
            lock.close();
            throw e;
        }
    }

    /**
     * Starts the background task: a bundle sync and an upload now, then every sync interval.
     */
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(daemon("gatehouse-reader-sync"));
        background = executor;
        executor.scheduleWithFixedDelay(this::syncQuietly, 0, settings.syncInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the background task, lets a started door unlock finish (bounded), and releases the state.
     */
    @Override
    public void close() {
        ScheduledExecutorService executor = background;
        if (executor != null) {
            executor.shutdownNow();
            awaitQuietly(executor, Duration.ofSeconds(5));
        }
        doorExecutor.shutdown();
        awaitQuietly(doorExecutor, settings.unlockDuration().plusSeconds(5));
        synchronized (this) {
            queue.close();
            replay.close();
            passEntries.close();
        }
        lock.close();
    }

    // ---- Scanning ---------------------------------------------------------------------------------

    /**
     * Decides one scan, records it durably, prints its line, and drives the door on a grant.
     *
     * @param scanned the scanned text; line terminators at either end are removed, nothing else; not null
     * @return the recorded event and the printed line, never null
     * @throws ReaderException with code {@code queue_unwritable} if the decision could not be recorded; then
     *     nothing is printed and the door stays shut
     */
    public synchronized Scan scan(String scanned) {
        String text = stripLineTerminators(Objects.requireNonNull(scanned, "scanned"));
        long nowMillis = settings.clock().millis();
        Optional<ProofInfo> proof = ProofInfo.of(text);
        ReaderConfig current = config;
        Outcome outcome;
        if (current.revoked() != null) {
            outcome = Outcome.offline(ReaderEvent.DENY, "reader_revoked", "this reader was revoked ("
                    + current.revoked().code() + " at " + current.revoked().at() + "); provision it again", null);
        } else {
            long seq = queue.head().seq() + 1;
            markInflight(seq);
            ServerAnswer<ServerClient.ScanVerdict> answer = client.scan(current.serverUrl(), current.credential(), text,
                    current.readerId() + "/" + seq, settings.onlineTimeout());
            outcome = switch (answer) {
                case ServerAnswer.Ok<ServerClient.ScanVerdict> ok -> relayed(ok.value(), proof);
                case ServerAnswer.Unauthorized<ServerClient.ScanVerdict> unauthorized -> unauthorized(unauthorized);
                case ServerAnswer.Refused<ServerClient.ScanVerdict> refused -> Outcome.online(ReaderEvent.DENY,
                        refused.code(), "HTTP " + refused.status() + ": " + refused.detail(), null);
                case ServerAnswer.Unreachable<ServerClient.ScanVerdict> unreachable -> {
                    noteServerSilent(unreachable.detail());
                    yield decideOffline(text, nowMillis, seq);
                }
            };
        }
        Scan scan = record(outcome, proof, nowMillis);
        if (outcome.mode().equals(ReaderEvent.ONLINE)) {
            queueUpload();
        }
        return scan;
    }

    /**
     * Records a scan that produced no text (an image without a readable QR code) as a denial.
     *
     * @param detail what went wrong; not null
     * @return the recorded event and the printed line, never null
     * @throws ReaderException with code {@code queue_unwritable} if it could not be recorded
     */
    public synchronized Scan unreadable(String detail) {
        return record(Outcome.offline(ReaderEvent.DENY, DenyReason.MALFORMED.code(), detail, null), Optional.empty(),
                settings.clock().millis());
    }

    private Scan record(Outcome outcome, Optional<ProofInfo> proof, long nowMillis) {
        ReaderConfig current = config;
        EventFields fields = new EventFields(nowMillis, outcome.mode(), outcome.decision(), outcome.reason(),
                proof.map(info -> info.proof().credentialId().toString()).orElse(null),
                outcome.userId(), current.doorId(),
                proof.map(info -> info.proof().issuedAtEpochSecond()).orElse(null),
                outcome.detail() == null || outcome.detail().length() <= MAX_DETAIL ? outcome.detail()
                        : outcome.detail().substring(0, MAX_DETAIL) + "…");
        ReaderEvent event = queue.append(current.readerId(), fields, key);
        String line = DecisionLine.of(event);
        PrintWriter out = settings.out();
        out.println(line);
        out.flush();
        if (event.granted()) {
            doorExecutor.execute(this::unlockDoor);
        }
        return new Scan(event, line);
    }

    private void unlockDoor() {
        try {
            door.unlock(settings.unlockDuration());
        } catch (RuntimeException e) {
            diagnostics.error("door_driver_failed", Diagnostics.fields("door", config.doorId(), "detail", e.getMessage()));
        }
    }

    // ---- Online -----------------------------------------------------------------------------------

    private Outcome relayed(ServerClient.ScanVerdict verdict, Optional<ProofInfo> proof) {
        if (!serverAnswering) {
            serverAnswering = true;
            diagnostics.info("server_answering", Diagnostics.fields());
        }
        // The server spent the nonce: keep it spent here too, so the same code cannot be used at this
        // door once the server is gone.
        boolean spent = verdict.decision().equals(ReaderEvent.GRANT)
                || (verdict.reason() != null && SPENT_REASONS.contains(verdict.reason()));
        if (spent && proof.isPresent()) {
            AccessProof relayedProof = proof.get().proof();
            try {
                replay.remember(relayedProof.credentialId(), relayedProof.nonce(), replayExpiry(relayedProof));
            } catch (ReaderException e) {
                diagnostics.warn("replay_not_recorded", Diagnostics.fields("code", e.code(), "detail", e.getMessage()));
            }
        }
        return Outcome.online(verdict.decision(), verdict.reason(), verdict.detail(), verdict.userId());
    }

    private long replayExpiry(AccessProof proof) {
        LoadedBundle current = bundle;
        if (current == null) {
            return proof.issuedAtEpochSecond() + DEFAULT_REPLAY_RETENTION.toSeconds();
        }
        DoorSettings doorSettings = current.bundle().door();
        return proof.issuedAtEpochSecond() + doorSettings.proofLifetimeSeconds() + doorSettings.allowedSkewSeconds() + 1;
    }

    private Outcome unauthorized(ServerAnswer.Unauthorized<?> unauthorized) {
        if (REVOCATION_CODES.contains(unauthorized.code())) {
            markRevoked(unauthorized.code(), unauthorized.detail());
            return Outcome.online(ReaderEvent.DENY, "reader_revoked", "the server refused this reader's credential ("
                    + unauthorized.code() + "): " + unauthorized.detail(), null);
        }
        return Outcome.online(ReaderEvent.DENY, unauthorized.code(), "HTTP 401: " + unauthorized.detail(), null);
    }

    private void markRevoked(String code, String detail) {
        synchronized (configLock) {
            if (config.revoked() != null) {
                return;
            }
            ReaderConfig revoked = config.withRevocation(new ReaderConfig.Revocation(code, detail,
                    settings.clock().instant().toString()));
            state.saveConfig(revoked);
            config = revoked;
        }
        diagnostics.error("reader_revoked", Diagnostics.fields("code", code, "detail", detail,
                "action", "every scan is denied until the reader is provisioned again"));
    }

    private void noteServerSilent(String detail) {
        if (serverAnswering) {
            serverAnswering = false;
            diagnostics.warn("server_unreachable", Diagnostics.fields("detail", detail, "action", "deciding offline"));
        }
    }

    // ---- Offline ----------------------------------------------------------------------------------

    private Outcome decideOffline(String text, long nowMillis, long seq) {
        LoadedBundle current = bundle;
        if (current == null) {
            return Outcome.offline(ReaderEvent.DENY, "no_bundle", "the server did not answer and the reader has no"
                    + " verified bundle yet to decide with", null);
        }
        ReaderBundle stale = current.bundle();
        long now = Math.floorDiv(nowMillis, 1000);
        boolean expired = stale.isExpiredAt(now);
        if (expired && stale.offlineMode() == OfflineMode.FAIL_SECURE) {
            return Outcome.offline(ReaderEvent.DENY, "bundle_expired", expiry(stale, now) + "; the door fails secure", null);
        }
        if (PassText.recognises(text)) {
            return decidePass(current, text, now, expired, seq);
        }
        Decision decision;
        try {
            // The bundle answers every lookup but the replay cache: credentials, rules and minting keys.
            decision = verifier.decide(text, new AccessContext(stale.door(), now, current.directory(), replay,
                    current.directory(), current.directory()));
        } catch (RuntimeException e) {
            // A lookup failed (the replay cache could not record, or is full): never open on a failure.
            String message = e instanceof ReaderException readerException
                    ? readerException.code() + ": " + e.getMessage() : e.toString();
            if (expired) {
                return Outcome.offline(ReaderEvent.GRANT, "bundle_expired_fail_open", expiry(stale, now)
                        + "; the door fails open (the local check failed: " + message + ")", null);
            }
            return Outcome.offline(ReaderEvent.DENY, "reader_error", message, null);
        }
        String userId = decision.credential().map(CredentialView::userId).orElse(null);
        if (expired) {
            return Outcome.offline(ReaderEvent.GRANT, "bundle_expired_fail_open", expiry(stale, now)
                    + "; the door fails open; the stale bundle says: " + decision.code() + " (" + decision.detail() + ")",
                    userId);
        }
        return decision.granted()
                ? Outcome.offline(ReaderEvent.GRANT, null, decision.detail(), userId)
                : Outcome.offline(ReaderEvent.DENY, decision.reason().code(), decision.detail(), userId);
    }

    /**
     * A visitor pass, from the bundle's passes and the entries counted here. A grant is counted durably before the
     * door opens; the event names the pass's visitor as {@code visitor:<id>} with no credential (docs/protocol.md D.1).
     */
    private Outcome decidePass(LoadedBundle current, String pass, long now, boolean expired, long seq) {
        PassDecision decision = current.passes().decide(pass, now, passEntries);
        String subject = decision.subject().orElse(null);
        if (expired) {
            return Outcome.offline(ReaderEvent.GRANT, "bundle_expired_fail_open", expiry(current.bundle(), now)
                    + "; the door fails open; the stale bundle says: " + decision.reason().map(r -> r.code())
                    .orElse("granted") + " (" + decision.detail() + ")", subject);
        }
        if (!decision.granted()) {
            return Outcome.offline(ReaderEvent.DENY, decision.reason().orElseThrow().code(), decision.detail(), subject);
        }
        try {
            passEntries.record(decision.pass().orElseThrow().visitorId(), seq,
                    decision.pass().orElseThrow().validUntilEpochSecond());
        } catch (ReaderException e) {
            return Outcome.offline(ReaderEvent.DENY, "reader_error", e.code() + ": " + e.getMessage(), subject);
        }
        return Outcome.offline(ReaderEvent.GRANT, null, "visitor pass: " + decision.detail(), subject);
    }

    private static String expiry(ReaderBundle stale, long now) {
        return "bundle version " + stale.bundleVersion() + " expired at "
                + Instant.ofEpochSecond(stale.expiresAtEpochSecond()) + ", " + (now - stale.expiresAtEpochSecond())
                + " s ago, and the server did not answer";
    }

    // ---- Interrupted relays -----------------------------------------------------------------------

    /**
     * Before a scan is relayed, its seq is written to {@code inflight}: the server may record the event id
     * even if this process dies before the event reaches the queue. On the next start such a seq is filled
     * with a denial, so that the seq is never given to a different scan.
     */
    private void markInflight(long seq) {
        Path file = state.file(StateDirectory.INFLIGHT);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot write " + file + ": " + e, e);
        }
    }

    private synchronized void recoverInterruptedRelay() {
        Path file = state.file(StateDirectory.INFLIGHT);
        long seq;
        try {
            seq = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | NumberFormatException e) {
            return; // torn while it was written: the scan had not been relayed yet
        }
        if (seq != queue.head().seq() + 1) {
            return; // the relayed scan was recorded
        }
        ReaderConfig current = config;
        EventFields fields = new EventFields(settings.clock().millis(), ReaderEvent.ONLINE, ReaderEvent.DENY,
                "reader_interrupted", null, null, current.doorId(), null,
                "the reader stopped while scan " + current.readerId() + "/" + seq + " was being decided (it may have"
                        + " reached the server) and before recording it; the door was not opened for it");
        ReaderEvent event = queue.append(current.readerId(), fields, key);
        diagnostics.warn("relay_interrupted", Diagnostics.fields("eventId", event.eventId()));
    }

    // ---- Bundle -----------------------------------------------------------------------------------

    private static LoadedBundle loadStoredBundle(StateDirectory state, ReaderConfig config, Diagnostics diagnostics) {
        ReaderConfig.BundleRef ref = config.bundle();
        if (ref == null) {
            return null;
        }
        try {
            byte[] bytes = state.readBundle(ref.file());
            byte[] sha = sha256(bytes);
            if (!MessageDigest.isEqual(sha, HexFormat.of().parseHex(ref.sha256()))) {
                throw new ReaderException("bundle_unusable", "its SHA-256 is not the one recorded when it was accepted");
            }
            // Verified when it was accepted; the recorded hash shows it is the same file.
            if (!(BundleCodec.parse(bytes) instanceof BundleParseResult.Parsed parsed)) {
                throw new ReaderException("bundle_unusable", "it no longer parses");
            }
            return LoadedBundle.of(parsed.bundle(), bytes);
        } catch (ReaderException | IllegalArgumentException e) {
            diagnostics.warn("stored_bundle_unusable", Diagnostics.fields("file", ref.file(), "detail", e.getMessage(),
                    "action", "deciding offline needs a new bundle from the server"));
            return null;
        }
    }

    /**
     * Fetches the bundle and, if it is newer and verifies, stores it and uses it; a refused bundle is
     * reported on standard error and the last good one kept.
     *
     * @return how it ended, never null
     * @throws ReaderException with code {@code state_unwritable} if an accepted bundle cannot be stored
     */
    public BundleSync syncBundle() {
        synchronized (syncLock) {
            ReaderConfig current = config;
            if (current.revoked() != null) {
                return BundleSync.REVOKED;
            }
            // Every event acknowledged before the request was merged, and its pass entry counted, before the server
            // builds the bundle.
            long countedThroughSeq = queue.ackedSeq();
            return switch (client.bundle(current.serverUrl(), current.credential(), queue.pendingCount(),
                    settings.syncTimeout())) {
                case ServerAnswer.Ok<byte[]> ok -> settled(accept(ok.value()), countedThroughSeq);
                case ServerAnswer.Unauthorized<byte[]> unauthorized -> {
                    if (REVOCATION_CODES.contains(unauthorized.code())) {
                        markRevoked(unauthorized.code(), unauthorized.detail());
                        yield BundleSync.REVOKED;
                    }
                    diagnostics.warn("bundle_fetch_refused", Diagnostics.fields("status", 401, "code", unauthorized.code(),
                            "detail", unauthorized.detail()));
                    yield BundleSync.NOT_FETCHED;
                }
                case ServerAnswer.Refused<byte[]> refused -> {
                    diagnostics.warn("bundle_fetch_refused", Diagnostics.fields("status", refused.status(),
                            "code", refused.code(), "detail", refused.detail()));
                    yield BundleSync.NOT_FETCHED;
                }
                case ServerAnswer.Unreachable<byte[]> unreachable -> BundleSync.NOT_FETCHED;
            };
        }
    }

    private BundleSync settled(BundleSync sync, long countedThroughSeq) {
        if (sync == BundleSync.ACCEPTED) {
            passEntries.settle(countedThroughSeq);
        }
        return sync;
    }

    /**
     * Verifies downloaded bundle bytes and, if they pass, stores and uses them. The pass entries counted here are
     * kept: bytes from elsewhere say nothing about which uploads they count.
     *
     * @param bytes the downloaded bytes; not null
     * @return {@link BundleSync#ACCEPTED}, {@link BundleSync#UNCHANGED} or {@link BundleSync#REFUSED}
     * @throws ReaderException with code {@code state_unwritable} if an accepted bundle cannot be stored
     */
    public BundleSync accept(byte[] bytes) {
        synchronized (syncLock) {
            LoadedBundle current = bundle;
            byte[] sha = sha256(bytes);
            if (current != null && MessageDigest.isEqual(sha, current.sha256())) {
                return BundleSync.UNCHANGED;
            }
            ReaderConfig before = config;
            long lastVersion = before.bundle() == null ? 0 : before.bundle().version();
            BundleCheck check = BundleVerifier.verify(bytes, before.pinnedKeys(), before.readerId(), lastVersion);
            if (check instanceof BundleCheck.Refused refused) {
                // The server may sign the same bundle again (ECDSA signatures differ each time): an authentic
                // bundle of the current version is not news. The version sits at bytes 4-11 of the header,
                // and a refusal at step 4 means the signature over it was verified.
                if (refused.reason() == BundleRefusal.OLD_VERSION && ByteBuffer.wrap(bytes, 4, 8).getLong() == lastVersion) {
                    return BundleSync.UNCHANGED;
                }
                diagnostics.warn("bundle_refused", Diagnostics.fields("reason", refused.reason().code(),
                        "step", refused.reason().step(), "detail", refused.detail(), "keptVersion", lastVersion));
                return BundleSync.REFUSED;
            }
            ReaderBundle accepted = ((BundleCheck.Accepted) check).bundle();
            String file = state.writeBundle(accepted.bundleVersion(), bytes);
            synchronized (configLock) {
                ReaderConfig updated = config.withBundle(new ReaderConfig.BundleRef(file, accepted.bundleVersion(),
                        HexFormat.of().formatHex(sha)), accepted.trustedKeys());
                state.saveConfig(updated);
                config = updated;
            }
            LoadedBundle loaded = LoadedBundle.of(accepted, bytes);
            bundle = loaded;
            if (before.bundle() != null && !before.bundle().file().equals(file)) {
                state.deleteQuietly(before.bundle().file());
            }
            if (!accepted.door().doorId().equals(before.doorId())) {
                diagnostics.warn("bundle_door_mismatch", Diagnostics.fields("bundleDoor", accepted.door().doorId(),
                        "enrolledDoor", before.doorId()));
            }
            if (current == null || !MessageDigest.isEqual(current.contentSha256(), loaded.contentSha256())) {
                diagnostics.info("bundle_accepted", Diagnostics.fields("version", accepted.bundleVersion(),
                        "credentials", accepted.credentials().size(), "revoked", accepted.revoked().size(),
                        "expiresAt", Instant.ofEpochSecond(accepted.expiresAtEpochSecond()).toString(),
                        "offlineMode", accepted.offlineMode().text()));
            }
            return BundleSync.ACCEPTED;
        }
    }

    // ---- Upload -----------------------------------------------------------------------------------

    /**
     * Uploads every event not yet acknowledged, in seq order, in batches of at most {@value #UPLOAD_BATCH},
     * until all are acknowledged, the server stops answering, or the budget runs out.
     *
     * @param budget how long to keep trying; not null
     * @return how it ended, never null
     * @throws ReaderException with code {@code state_unwritable} if the acknowledgement cannot be stored
     */
    public Upload upload(Duration budget) {
        synchronized (uploadLock) {
            long deadline = System.nanoTime() + budget.toNanos();
            while (true) {
                ReaderConfig current = config;
                if (current.revoked() != null) {
                    return queue.pendingCount() == 0 ? Upload.DONE : Upload.REVOKED;
                }
                List<ReaderEvent> batch = queue.pending(UPLOAD_BATCH);
                if (batch.isEmpty()) {
                    return Upload.DONE;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Upload.INCOMPLETE;
                }
                Duration timeout = Duration.ofNanos(Math.min(remaining, settings.syncTimeout().toNanos()));
                long lastSeq = batch.get(batch.size() - 1).seq();
                switch (client.upload(current.serverUrl(), current.credential(), batch, queue.pendingCount(),
                        timeout)) {
                    case ServerAnswer.Ok<ServerClient.UploadReceipt> ok -> {
                        ServerClient.UploadReceipt receipt = ok.value();
                        if (!receipt.refused().isEmpty()) {
                            // Refused for good (malformed): sending them again cannot help, and must not hold
                            // back the events after them. The server audited each refusal.
                            ServerClient.RefusedEvent first = receipt.refused().get(0);
                            diagnostics.warn("upload_events_refused", Diagnostics.fields("count",
                                    receipt.refused().size(), "firstSeq", batch.get(first.index()).seq(),
                                    "code", first.code(), "detail", first.detail()));
                        }
                        if (receipt.accepted() + receipt.duplicates() + receipt.refused().size() >= batch.size()) {
                            queue.acknowledge(lastSeq);
                        } else {
                            queue.acknowledge(Math.min(receipt.lastSeq(), lastSeq));
                            diagnostics.warn("upload_partly_accepted", Diagnostics.fields("sent", batch.size(),
                                    "accepted", receipt.accepted(), "duplicates", receipt.duplicates(),
                                    "lastSeq", receipt.lastSeq()));
                            return Upload.INCOMPLETE;
                        }
                    }
                    case ServerAnswer.Unauthorized<ServerClient.UploadReceipt> unauthorized -> {
                        if (REVOCATION_CODES.contains(unauthorized.code())) {
                            markRevoked(unauthorized.code(), unauthorized.detail());
                            return Upload.REVOKED;
                        }
                        diagnostics.warn("upload_refused", Diagnostics.fields("status", 401, "code", unauthorized.code(),
                                "detail", unauthorized.detail()));
                        return Upload.INCOMPLETE;
                    }
                    case ServerAnswer.Refused<ServerClient.UploadReceipt> refused -> {
                        diagnostics.warn("upload_refused", Diagnostics.fields("status", refused.status(),
                                "code", refused.code(), "detail", refused.detail()));
                        return Upload.INCOMPLETE;
                    }
                    case ServerAnswer.Unreachable<ServerClient.UploadReceipt> unreachable -> {
                        return Upload.INCOMPLETE;
                    }
                }
            }
        }
    }

    private void queueUpload() {
        ScheduledExecutorService executor = background;
        if (executor == null || queue.pendingCount() == 0 || !uploadQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                uploadQueued.set(false);
                try {
                    upload(settings.syncTimeout());
                } catch (RuntimeException e) {
                    diagnostics.error("upload_failed", Diagnostics.fields("detail", e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            uploadQueued.set(false); // closing
        }
    }

    private void syncQuietly() {
        try {
            syncBundle();
            upload(settings.syncTimeout());
            replay.prune();
        } catch (RuntimeException e) {
            diagnostics.error("sync_failed", Diagnostics.fields("detail", e.getMessage()));
        }
    }

    // ---- Inspection -------------------------------------------------------------------------------

    /**
     * Returns the bundle in use.
     *
     * @return the last good bundle, or empty before the first one
     */
    public Optional<ReaderBundle> currentBundle() {
        LoadedBundle current = bundle;
        return current == null ? Optional.empty() : Optional.of(current.bundle());
    }

    /**
     * Returns the reader's configuration as it stands.
     *
     * @return the config, never null
     */
    public ReaderConfig config() {
        return config;
    }

    /**
     * Returns the event queue.
     *
     * @return the queue, never null
     */
    public EventQueue queue() {
        return queue;
    }

    /**
     * Returns the visitor-pass entries counted here and not yet in a bundle.
     *
     * @return the entries, never null
     */
    public PassEntries passEntries() {
        return passEntries;
    }

    /**
     * Returns the replay cache.
     *
     * @return the cache, never null
     */
    public ReplayCache replayCache() {
        return replay;
    }

    // ---- Helpers ----------------------------------------------------------------------------------

    /** Removes CR and LF at both ends, as a keyboard-wedge scanner adds them; spaces are Base45 data. */
    static String stripLineTerminators(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == '\r' || text.charAt(start) == '\n')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == '\r' || text.charAt(end - 1) == '\n')) {
            end--;
        }
        return text.substring(start, end);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void awaitQuietly(ExecutorService executor, Duration timeout) {
        try {
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
