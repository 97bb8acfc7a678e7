package io.gatehouse.server.access;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.MintingKeyDirectory;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.access.ReplayGuard;
import io.gatehouse.protocol.pass.PassText;
import io.gatehouse.server.alert.Flags;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.DatabaseException;
import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.device.DeviceCredential;
import io.gatehouse.server.device.DeviceStore;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.wallet.MintingKeys;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides a scan relayed by a reader: the numbered steps of {@link AccessVerifier} (docs/protocol.md), run inside
 * one transaction whose reads see the current state (a revocation, suspension or removed rule committed before
 * counts) and which writes the audit record of the decision. The reads go to the database as one batch and the
 * writes as another ({@link Tx.Batch}), so a decision costs three round trips with the commit. Step 6 checks the
 * proof's single-use record as read; the record itself is an insert that does nothing when the row exists, and a
 * decision whose insert did nothing lost a race and is decided again.
 *
 * <p>After the verifier's steps, one step of door policy that only the server can take: a door that requires user
 * verification from flagged people ({@link Door#requireUserVerificationWhenFlagged()}) denies a code without the UV
 * flag whose person is flagged ({@link Flags}) with {@value #FLAGGED_UV_REQUIRED}. The flag is read in the decision's
 * transaction, and only for such a code at such a door (one more round trip there, none anywhere else). Readers
 * deciding offline do not take this step: their bundle does not say who is flagged.
 */
public final class ScanService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScanService.class);

    private final Database database;
    private final AuditLog audit;
    private final MintingKeys mintingKeys;
    private final PassDecisions passes;
    private final Flags flags;
    private final Clock clock;

    /** The reason of a code without user verification, of a flagged person, at a door that asks them for it. */
    public static final String FLAGGED_UV_REQUIRED = "flagged_user_verification_required";

    /** Extra time replay records are kept, for nodes whose clocks disagree or were stepped back. */
    static final long PRUNE_MARGIN_SECONDS = 600;

    /**
     * Step 4's cryptography runs before the transaction where a decision's transaction holds the database's single
     * write lock (SQLite): a P-256 verification inside it would serialise the CPU work of all scans. It uses the keys
     * that earlier decisions read ({@link RecentlyRead}), so a scan still reads each row once, in its transaction;
     * the first scan of a device after a start is verified inside. PostgreSQL has no such lock: there the
     * verification always runs inside, and this is null.
     */
    private final RecentlyRead recent;
    private final java.util.concurrent.atomic.LongAdder answeredEarly = new java.util.concurrent.atomic.LongAdder();

    public ScanService(Database database, AuditLog audit, MintingKeys mintingKeys, PassDecisions passes,
            Flags flags, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.mintingKeys = mintingKeys;
        this.passes = passes;
        this.flags = flags;
        this.clock = clock;
        this.recent = database.dialect() == Dialect.SQLITE ? new RecentlyRead() : null;
    }

    /** The answer to the reader. {@code duplicate} is true when {@code eventId} was decided before. */
    public record Outcome(boolean granted, String reason, String doorId, boolean duplicate, String detail) {
        public String decision() {
            return granted ? "grant" : "deny";
        }
    }

    /** What a reader sent: the scanned text and, for a reader that can retry, its event id. */
    public record Request(String payload, Optional<String> eventId) {
    }

    /**
     * Decides a scan sent with a reader credential, in three round trips to PostgreSQL: one that reads the reader,
     * its door with the zone's rules, the proof's credential with its user's roles, whether the proof was used
     * before and, for a minted proof, the published minting keys; one that writes the single-use record, the audit
     * record and the reader's event id; the commit.
     *
     * <p>{@code request} is asked before the credential is checked, so that the read can name the proof's
     * credential; its body is in memory already. A refusal of it is held back until the reader is authenticated:
     * a caller without a valid credential gets 401 whatever it sent.
     *
     * @throws GatehouseException 401 as {@link Readers#authenticate(PrefixedSecret)}, 400 for a request without a
     *     payload or with a malformed event id, 409 {@code event_id_reused}
     */
    public Outcome scan(PrefixedSecret presented, Supplier<Request> request, ClientInfo client) {
        Sent sent = Sent.of(request);
        ReaderCheck check = stored -> Readers.authenticate(stored, presented);
        AccessVerifier.SignatureCheck signatures = recent != null && recent.authenticatedBefore(presented)
                ? verifySignatureEarly(sent.parsed()) : AccessVerifier.JCA;
        return scan(presented.id(), check, sent, signatures, client);
    }

    /**
     * Decides a scan relayed by a reader that is authenticated already (the benchmark calls it); otherwise as
     * {@link #scan(PrefixedSecret, Supplier, ClientInfo)}.
     */
    public Outcome scan(Readers.Reader reader, String payload, Optional<String> readerEventId, ClientInfo client) {
        Sent sent = Sent.of(() -> new Request(payload, readerEventId));
        AccessVerifier.SignatureCheck signatures = recent != null ? verifySignatureEarly(sent.parsed())
                : AccessVerifier.JCA;
        return scan(reader.id(), stored -> reader, sent, signatures, client);
    }

    /** Who the reader is, from its row as the decision read it. */
    @FunctionalInterface
    private interface ReaderCheck {
        Readers.Reader reader(Optional<ReaderStore.StoredCredential> stored);
    }

    /**
     * What the reader sent, read once: a visitor pass's link (its last segment) or else an access proof, parsed. The
     * two forms cannot overlap (a link has lower-case letters, which Base45 has not), so the text is parsed as one
     * of them only. A refusal of the request is kept to be thrown once the reader is known.
     */
    private record Sent(Request request, GatehouseException refusal, Optional<String> passSegment,
            ParseResult parsed) {
        private static final ParseResult.Malformed A_PASS = new ParseResult.Malformed(
                "a visitor pass's link, not an access proof");

        static Sent of(Supplier<Request> supplier) {
            try {
                Request request = supplier.get();
                Optional<String> segment = PassText.segment(request.payload());
                return new Sent(request, null, segment, segment.isPresent() ? A_PASS
                        : AccessProofCodec.parse(request.payload()));
            } catch (GatehouseException refusal) {
                return new Sent(null, refusal, Optional.empty(), AccessProofCodec.parse((String) null));
            }
        }

        Optional<AccessProof> proof() {
            return parsed instanceof ParseResult.Parsed(AccessProof proof) ? Optional.of(proof) : Optional.empty();
        }

        /** The request of an authenticated reader, with its event id checked against the reader's id. */
        Request checked(Readers.Reader reader) {
            if (refusal != null) {
                throw refusal;
            }
            request.eventId().ifPresent(id -> {
                if (!id.startsWith(reader.id() + "/") || !id.substring(reader.id().length() + 1)
                        .matches("[1-9][0-9]{0,18}")) {
                    throw GatehouseException.invalid("invalid_field", "field 'eventId' must be '" + reader.id()
                            + "/<sequence>', got '" + id + "'");
                }
            });
            return request;
        }
    }

    private Outcome scan(String readerId, ReaderCheck check, Sent sent, AccessVerifier.SignatureCheck signatures,
            ClientInfo client) {
        try {
            try {
                return database.decide(tx -> decide(tx, readerId, check, sent, signatures, false, client));
            } catch (UseRecordedConcurrently race) {
                // The rare path, more round trips: a concurrent scan of the same proof recorded its use between
                // this decision's read and its write, and committed. This decision was rolled back whole (its
                // transaction on PostgreSQL, its savepoint on SQLite) and is taken again as a replay.
                LOG.info("a concurrent decision recorded the use of a proof scanned at reader {} first; deciding"
                        + " it again as a replay", readerId);
                return database.decide(tx -> decide(tx, readerId, check, sent, signatures, true, client));
            }
        } catch (DatabaseException e) {
            if (sent.request() != null && sent.request().eventId().isPresent() && e.isUniqueViolation()) {
                // The event id is claimed by uniquely keyed inserts: a retry (or a reuse, or a retry that raced on
                // another connection) loses the claim, its transaction rolls back, and the record that won answers.
                return earlier(readerId, sent.request().eventId().get(), sent.request().payload()).orElseThrow(
                        () -> e);
            }
            throw e;
        }
    }

    /** Thrown when the single-use record of a proof this decision found unused was written by another decision. */
    private static final class UseRecordedConcurrently extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UseRecordedConcurrently() {
            super("the proof's use was recorded by a concurrent decision", null, false, false);
        }
    }

    /**
     * One decision: the read batch, the verifier's steps, the write batch.
     *
     * @param spent decide as if the proof had been presented before (the retry after a lost race)
     */
    private Outcome decide(Tx tx, String readerId, ReaderCheck check, Sent sent,
            AccessVerifier.SignatureCheck signatures, boolean spent, ClientInfo client) {
        Optional<AccessProof> proof = sent.proof();
        Tx.Batch reads = new Tx.Batch();
        Tx.Result<Optional<DoorStore.ReaderAtDoor>> readerAtDoor = DoorStore.readerAtDoor(reads, readerId);
        Optional<Tx.Result<Optional<DeviceCredential>>> storedCredential = proof.map(
                p -> DeviceStore.credential(reads, p.credentialId()));
        Optional<Tx.Result<Boolean>> usedBefore = proof.map(
                p -> DoorStore.presentedBefore(reads, p.credentialId(), p.nonce()));
        // Read with the rest, so that a key retired a moment ago already names no key here.
        Optional<Tx.Result<List<MintingKey>>> published = proof.filter(p -> p.type() == ProofType.SERVER_MINTED)
                .map(p -> mintingKeys.published(reads));
        tx.run(reads);
        Optional<ReaderStore.StoredCredential> stored = readerAtDoor.get().map(DoorStore.ReaderAtDoor::reader);
        if (recent != null) {
            remember(readerId, stored, storedCredential, published);
        }

        Readers.Reader reader = check.reader(stored);
        Request request = sent.checked(reader);
        Optional<String> eventId = request.eventId().map(reader::storedEventId);
        Door.WithRules door = readerAtDoor.get().flatMap(DoorStore.ReaderAtDoor::door).orElseThrow(
                () -> new IllegalStateException("reader " + reader.id() + " names a missing door " + reader.doorId()));
        if (sent.passSegment().isPresent()) {
            Instant at = clock.instant();
            return recordPass(tx, reader, door.door(), request, eventId, client,
                    passes.decide(tx, sent.passSegment().get(), door.door(), at), at);
        }
        Optional<DeviceCredential> credential = storedCredential.flatMap(Tx.Result::get);
        // A minted proof whose credential is no device's may be of a visitor pass's bound phone (a rare read).
        Optional<String> boundPass = credential.isEmpty() ? proof.filter(p -> p.type() == ProofType.SERVER_MINTED)
                .flatMap(p -> passes.passOfCredential(tx, p.credentialId())) : Optional.empty();
        UseCheck uses = new UseCheck(spent || usedBefore.map(Tx.Result::get).orElse(false));
        long now = clock.instant().getEpochSecond();
        AccessContext context = new AccessContext(door.door().settings(), now, boundPass.isPresent()
                ? id -> Optional.of(boundPassView(id, boundPass.get()))
                : id -> credential.filter(row -> row.id().equals(id)).map(DeviceCredential::view), uses,
                boundPass.isPresent() ? zoneId -> List.of(AccessRule.forUser(door.door().zoneId(),
                        boundPassUser(boundPass.get()), List.of())) : zoneId -> door.rules(),
                MintingKeyDirectory.of(published.map(Tx.Result::get).orElse(List.of())));
        Decision decision = new AccessVerifier(signatures).decide(sent.parsed(), context);
        // Steps 1 to 6 held for a bound pass's proof (and its own rule, step 7): the pass decides the rest.
        Optional<PassDecisions.PassDecision> passDecision = boundPass.filter(id -> decision.granted())
                .map(id -> passes.decideBound(tx, id, door.door(), clock.instant()));
        Optional<String> flaggedBy = boundPass.isEmpty() ? flaggedWithoutUv(tx, door.door(), decision)
                : Optional.empty();
        boolean granted = decision.granted() && flaggedBy.isEmpty()
                && passDecision.map(PassDecisions.PassDecision::granted).orElse(true);
        String reason = granted ? null : flaggedBy.map(rule -> FLAGGED_UV_REQUIRED).orElseGet(() -> passDecision
                .filter(pass -> !pass.granted()).map(PassDecisions.PassDecision::reason)
                .orElseGet(() -> decision.reason().code()));
        String detail = flaggedBy.map(rule -> "door " + door.door().id() + " requires user verification from flagged"
                + " people; user " + decision.credential().orElseThrow().userId() + " is flagged by an unresolved "
                + rule + " alert, and the proof does not carry the UV flag")
                .orElseGet(() -> passDecision.map(PassDecisions.PassDecision::detail).orElse(decision.detail()));

        Tx.Batch writes = new Tx.Batch();
        Optional<Tx.Result<Integer>> recorded = uses.first.map(use -> DoorStore.recordUse(writes, use.credential(),
                use.nonce(), use.expiresAt()));
        long nowMillis = clock.millis();
        // A first use is of an authentic, fresh proof: the device's last use, in the same batch (no round trip).
        uses.first.ifPresent(use -> DeviceStore.recordUse(writes, use.credential(), nowMillis));
        AuditEvent.Builder event = auditEvent(reader, door.door(), decision, boundPass.isPresent() ? Optional.empty()
                : credential, client, now, request.payload());
        boundPass.ifPresent(id -> event.detail("visitor", id).detail("boundPass", true));
        flaggedBy.ifPresent(rule -> event.detail("flaggedBy", rule));
        audit.append(writes, event.reason(reason).detail("detail", detail).result(granted ? "grant" : "deny"),
                eventId.orElse(null), nowMillis);
        request.eventId().ifPresent(id -> ReaderStore.insertEvent(writes, Readers.onlineDecision(reader, id,
                granted ? "grant" : "deny", reason, decision.proof().map(p -> p.credentialId().toString())
                .orElse(null), nowMillis)));
        tx.run(writes);
        if (recorded.isPresent() && recorded.get().get() == 0) {
            throw new UseRecordedConcurrently();
        }
        return new Outcome(granted, reason, door.door().id(), false, detail);
    }

    /**
     * Notes what this decision read for the next scans' early verification: the reader's hash as read (a revoked
     * reader is forgotten), the device key, the minting keys.
     */
    private void remember(String readerId, Optional<ReaderStore.StoredCredential> reader,
            Optional<Tx.Result<Optional<DeviceCredential>>> credential,
            Optional<Tx.Result<List<MintingKey>>> published) {
        recent.reader(reader, readerId);
        credential.flatMap(Tx.Result::get).ifPresent(recent::device);
        published.map(Tx.Result::get).ifPresent(recent::mintingKeys);
    }

    /**
     * The rule of the alert that flags the person of a granted code without the UV flag, at a door that requires user
     * verification from flagged people; empty when the code passes this step (the flag is read only when it matters).
     */
    private Optional<String> flaggedWithoutUv(Tx tx, Door door, Decision decision) {
        if (!decision.granted() || !door.requireUserVerificationWhenFlagged()
                || decision.proof().map(AccessProof::userVerified).orElse(true)) {
            return Optional.empty();
        }
        return decision.credential().flatMap(credential -> flags.ruleFlagging(tx, credential.userId()));
    }

    /**
     * A visitor pass instead of an access proof, as {@link PassDecisions} decided it (counting the entry it grants):
     * the audit record and the reader's event id are written as for a proof, in the same transaction.
     */
    private Outcome recordPass(Tx tx, Readers.Reader reader, Door door, Request request, Optional<String> eventId,
            ClientInfo client, PassDecisions.PassDecision decision, Instant now) {
        String result = decision.granted() ? "grant" : "deny";
        Tx.Batch writes = new Tx.Batch();
        AuditEvent.Builder event = AuditEvent.of(reader.actor(), "door.scan", client).subject("door:" + door.id())
                .reason(decision.reason()).detail("mode", "online").detail("reader", reader.id())
                .detail("door", door.id()).detail("serverTime", now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString()).detail("detail", decision.detail())
                .detail("payloadDigest", payloadDigest(request.payload()));
        decision.visitorId().ifPresent(id -> event.detail("visitor", id));
        audit.append(writes, event.result(result), eventId.orElse(null), now.toEpochMilli());
        request.eventId().ifPresent(id -> ReaderStore.insertEvent(writes, Readers.onlineDecision(reader, id, result,
                decision.reason(), null, now.toEpochMilli())));
        tx.run(writes);
        return new Outcome(decision.granted(), decision.reason(), door.id(), false, decision.detail());
    }

    /**
     * Step 6 against what the read found: a proof not presented before is a first use, recorded by the write batch
     * afterwards (the verifier asks at most once per decision).
     */
    private static final class UseCheck implements ReplayGuard {
        private final boolean presentedBefore;
        private Optional<Use> first = Optional.empty();

        UseCheck(boolean presentedBefore) {
            this.presentedBefore = presentedBefore;
        }

        @Override
        public boolean firstUse(CredentialId id, long nonce, long expiresAtEpochSecond) {
            if (presentedBefore) {
                return false;
            }
            first = Optional.of(new Use(id, nonce, expiresAtEpochSecond));
            return true;
        }
    }

    private record Use(CredentialId credential, long nonce, long expiresAt) {
    }

    /**
     * The answer recorded for an event id that is taken: the same answer again when the record is of a scan of the
     * same payload, {@code 409 event_id_reused} otherwise (another payload, or an event the reader uploaded).
     */
    private Optional<Outcome> earlier(String readerId, String readerEventId, String payload) {
        String digest = payloadDigest(payload);
        return database.read(tx -> ReaderStore.credential(tx, readerId).flatMap(reader -> AuditLog.recorded(tx,
                Readers.storedEventId(readerEventId, reader.generation()), "payloadDigest").map(recorded -> {
                    if (!digest.equals(recorded.detail())) {
                        throw GatehouseException.conflict("event_id_reused", "event id '" + readerEventId
                                + "' was already used for another scan");
                    }
                    return new Outcome("grant".equals(recorded.result()), recorded.reason(), reader.doorId(), true,
                            "decided before");
                })));
    }

    /**
     * A bound pass's credential as the verifier sees it: a passkey credential (minted proofs only), always active (an
     * ended pass is refused by the pass's own decision), of the lowest trust: the phone's passkey was not attested.
     */
    private static CredentialView boundPassView(CredentialId id, String visitorId) {
        return CredentialView.passkey(id, boundPassUser(visitorId), "pass:" + visitorId, true, true,
                DeviceTrust.SOFTWARE, Set.of());
    }

    private static String boundPassUser(String visitorId) {
        return "visitor:" + visitorId;
    }

    private static AuditEvent.Builder auditEvent(Readers.Reader reader, Door door, Decision decision,
            Optional<DeviceCredential> row, ClientInfo client, long now, String payload) {
        AuditEvent.Builder event = AuditEvent.of(reader.actor(), "door.scan", client)
                .subject("door:" + door.id())
                .reason(decision.granted() ? null : decision.reason().code())
                .detail("mode", "online").detail("reader", reader.id()).detail("door", door.id())
                .detail("serverTime", Instant.ofEpochSecond(now).toString()).detail("detail", decision.detail())
                .detail("payloadDigest", payloadDigest(payload));
        decision.proof().ifPresent(proof -> event.detail("credential", proof.credentialId().toString())
                .detail("userVerified", proof.userVerified())
                .detail("proofIssuedAt", Instant.ofEpochSecond(proof.issuedAtEpochSecond()).toString()));
        decision.proof().filter(proof -> proof.type() == ProofType.SERVER_MINTED)
                .ifPresent(proof -> event.detail("mintingKey", proof.mintingKeyId()));
        decision.credential().filter(credential -> row.isPresent()).ifPresent(credential -> {
            DeviceCredential device = row.orElseThrow();
            event.user(credential.userId()).detail("device", credential.deviceId())
                    .detail("deviceTrust", credential.trust().code()).detail("deviceModel", device.model())
                    .detail("deviceOs", device.os()).detail("appVersion", device.appVersion());
        });
        return event;
    }

    /**
     * Step 4's cryptography, done before the transaction: on SQLite every decision transaction holds the single
     * write lock, and a P-256 verification inside it would serialise the CPU work of all scans. The key is the one an
     * earlier decision read for the proof: the device key of a device-signed proof, the minting key a minted proof
     * names. The answer is remembered for exactly this key, signed message and signature; inside the transaction
     * the verifier still runs every step against the credential and minting keys as read there, and any other
     * combination (no key read before, a key replaced or retired meanwhile, a proof whose type does not fit its
     * credential) is verified there as usual.
     */
    private AccessVerifier.SignatureCheck verifySignatureEarly(ParseResult parsed) {
        if (!(parsed instanceof ParseResult.Parsed(AccessProof proof))) {
            return AccessVerifier.JCA;
        }
        Optional<PublicKey> key = recent.keyFor(proof);
        if (key.isEmpty()) {
            return AccessVerifier.JCA;
        }
        byte[] spki = key.get().getEncoded();
        byte[] payloadBytes = proof.signaturePayload();
        byte[] signature = proof.signature();
        boolean valid;
        try {
            valid = AccessVerifier.JCA.verify(key.get(), payloadBytes, signature);
        } catch (java.security.GeneralSecurityException e) {
            return AccessVerifier.JCA;
        }
        return (publicKey, data, sig) -> {
            if (Arrays.equals(publicKey.getEncoded(), spki) && Arrays.equals(data, payloadBytes)
                    && Arrays.equals(sig, signature)) {
                answeredEarly.increment();
                return valid;
            }
            return AccessVerifier.JCA.verify(publicKey, data, sig);
        };
    }

    /** How many of step 4's answers came from a verification before the transaction; for tests. */
    long answeredEarly() {
        return answeredEarly.sum();
    }

    /** A short digest of what was scanned, so that a retried event id can be told from a reused one. */
    private static String payloadDigest(String payload) {
        return io.gatehouse.protocol.codec.Base64Url.encode(Arrays.copyOf(
                io.gatehouse.server.common.Ids.sha256(payload == null ? "" : payload), 12));
    }

    /**
     * Deletes single-use records that can no longer matter: a proof is refused as expired {@code lifetime + skew}
     * after it was issued at any door, and both are bounded ({@link SiteAdmin#MAX_PROOF_LIFETIME_SECONDS},
     * {@link SiteAdmin#MAX_SKEW_SECONDS}), so a record kept that long past its own expiry covers every door.
     */
    public int pruneReplayRecords() {
        long horizon = clock.instant().getEpochSecond() - SiteAdmin.MAX_PROOF_LIFETIME_SECONDS
                - SiteAdmin.MAX_SKEW_SECONDS - PRUNE_MARGIN_SECONDS;
        return database.inTransaction(tx -> DoorStore.pruneUses(tx, horizon));
    }
}
