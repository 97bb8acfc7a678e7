package io.gatehouse.server.access;

import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.ReplayGuard;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.DatabaseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides a scan relayed by a reader: the numbered steps of {@link AccessVerifier} (docs/protocol.md), run inside
 * one transaction whose reads see the current state (a revocation, suspension or removed rule committed before
 * counts), whose single-use record is a uniquely keyed insert, and which writes the audit record of the decision.
 */
public final class ScanService {
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    /** Extra time replay records are kept, for nodes whose clocks disagree or were stepped back. */
    static final long PRUNE_MARGIN_SECONDS = 600;

    public ScanService(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
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
     * Decides a scan sent with a reader credential. One read before the transaction authenticates the reader,
     * then takes the request ({@code request} is asked only for an authenticated reader, and its body is in memory
     * already, so the connection waits on no client), parses the payload, once, and reads the proof's credential
     * for the signature check. The transaction reads the credential again, for the decision, so that a revocation
     * or suspension committed meanwhile counts.
     *
     * @throws GatehouseException 401 as {@link Readers#authenticate(Tx, PrefixedSecret)}, 400 for a request without a
     *     payload or with a malformed event id, 409 {@code event_id_reused}
     */
    public Outcome scan(PrefixedSecret presented, Supplier<Request> request, ClientInfo client) {
        Early early = database.read(tx -> {
            Readers.Reader reader = Readers.authenticate(tx, presented);
            Request sent = request.get();
            ParseResult parsed = AccessProofCodec.parse(sent.payload());
            return new Early(reader, sent, parsed, credential(tx, parsed));
        });
        return scan(early.reader(), early.parsed(), early.request().payload(), early.credential(),
                early.request().eventId(), client);
    }

    /**
     * Decides a scan relayed by a reader that is authenticated already (the benchmark calls it); otherwise as
     * {@link #scan(PrefixedSecret, Supplier, ClientInfo)}.
     */
    public Outcome scan(Readers.Reader reader, String payload, Optional<String> readerEventId, ClientInfo client) {
        ParseResult parsed = AccessProofCodec.parse(payload);
        return scan(reader, parsed, payload, database.read(tx -> credential(tx, parsed)), readerEventId, client);
    }

    /** What the read before the transaction found. */
    private record Early(Readers.Reader reader, Request request, ParseResult parsed,
            Optional<CredentialRow> credential) {
    }

    private static Optional<CredentialRow> credential(ReadTx tx, ParseResult parsed) {
        return parsed instanceof ParseResult.Parsed(AccessProof proof) ? CredentialRow.find(tx, proof.credentialId())
                : Optional.empty();
    }

    private Outcome scan(Readers.Reader reader, ParseResult parsed, String payload, Optional<CredentialRow> early,
            Optional<String> readerEventId, ClientInfo client) {
        readerEventId.ifPresent(id -> {
            if (!id.startsWith(reader.id() + "/") || !id.substring(reader.id().length() + 1)
                    .matches("[1-9][0-9]{0,18}")) {
                throw GatehouseException.invalid("invalid_field", "field 'eventId' must be '" + reader.id()
                        + "/<sequence>', got '" + id + "'");
            }
        });
        Optional<String> eventId = readerEventId.map(reader::storedEventId);
        AccessVerifier.SignatureCheck signatures = verifySignatureEarly(parsed, early);
        try {
            return decide(reader, parsed, payload, signatures, eventId, readerEventId, client);
        } catch (DatabaseException e) {
            if (eventId.isPresent() && e.isUniqueViolation()) {
                // The event id is claimed by uniquely keyed inserts: a retry (or a reuse, or a retry that raced on
                // another connection) loses the claim, its transaction rolls back, and the record that won answers.
                return earlier(reader, readerEventId.get(), eventId.get(), payload).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private Outcome decide(Readers.Reader reader, ParseResult parsed, String payload,
            AccessVerifier.SignatureCheck signatures, Optional<String> eventId, Optional<String> readerEventId,
            ClientInfo client) {
        return database.decide(tx -> {
            Door.WithRules door = Door.findWithRules(tx, reader.doorId()).orElseThrow(() -> new IllegalStateException(
                    "reader " + reader.id() + " names a missing door " + reader.doorId()));
            Optional<CredentialRow> credential = credential(tx, parsed);
            long now = clock.instant().getEpochSecond();
            AccessContext context = new AccessContext(door.door().settings(), now,
                    id -> credential.filter(row -> row.id().equals(id)).map(CredentialRow::view), replay(tx),
                    zoneId -> door.rules());
            Decision decision = new AccessVerifier(signatures).decide(parsed, context);
            record(tx, reader, door.door(), decision, credential, eventId, client, now, payload);
            readerEventId.ifPresent(id -> Readers.recordOnlineDecision(tx, reader, id, decision.granted() ? "grant"
                    : "deny", decision.granted() ? null : decision.reason().code(),
                    decision.proof().map(proof -> proof.credentialId().toString()).orElse(null), clock.millis()));
            return new Outcome(decision.granted(), decision.granted() ? null : decision.reason().code(),
                    door.door().id(), false, decision.detail());
        });
    }

    /**
     * The answer recorded for an event id that is taken: the same answer again when the record is of a scan of the
     * same payload, {@code 409 event_id_reused} otherwise (another payload, or an event the reader uploaded).
     */
    private Optional<Outcome> earlier(Readers.Reader reader, String readerEventId, String eventId, String payload) {
        String digest = payloadDigest(payload);
        return database.read(tx -> tx.queryOne("SELECT result, reason, details FROM audit_log WHERE event_id = ?",
                rs -> {
                    if (!digest.equals(detailText(rs.getString(3), "payloadDigest"))) {
                        throw GatehouseException.conflict("event_id_reused", "event id '" + readerEventId
                                + "' was already used for another scan");
                    }
                    return new Outcome("grant".equals(rs.getString(1)), rs.getString(2), reader.doorId(), true,
                            "decided before");
                }, eventId));
    }

    /** A text field of an audit record's details; null when the details or the field are absent. */
    private static String detailText(String details, String field) {
        if (details == null) {
            return null;
        }
        try {
            JsonNode value = Json.MAPPER.readTree(details).get(field);
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored audit details are not JSON", e);
        }
    }

    private void record(Tx tx, Readers.Reader reader, Door door, Decision decision, Optional<CredentialRow> row,
            Optional<String> eventId, ClientInfo client, long now, String payload) {
        AuditEvent.Builder event = AuditEvent.of(reader.actor(), "door.scan", client)
                .subject("door:" + door.id())
                .reason(decision.granted() ? null : decision.reason().code())
                .detail("mode", "online").detail("reader", reader.id()).detail("door", door.id())
                .detail("serverTime", Instant.ofEpochSecond(now).toString()).detail("detail", decision.detail())
                .detail("payloadDigest", payloadDigest(payload));
        decision.proof().ifPresent(proof -> event.detail("credential", proof.credentialId().toString())
                .detail("userVerified", proof.userVerified())
                .detail("proofIssuedAt", Instant.ofEpochSecond(proof.issuedAtEpochSecond()).toString()));
        decision.credential().ifPresent(credential -> {
            CredentialRow device = row.orElseThrow();
            event.user(credential.userId()).detail("device", credential.deviceId())
                    .detail("deviceTrust", credential.trust().code()).detail("deviceModel", device.model())
                    .detail("deviceOs", device.os()).detail("appVersion", device.appVersion());
        });
        AuditEvent built = event.result(decision.granted() ? "grant" : "deny");
        if (eventId.isPresent()) {
            audit.append(tx, built, eventId.get(), clock.millis());
        } else {
            audit.append(tx, built);
        }
    }

    /**
     * Step 4's cryptography, done before the transaction: on SQLite every decision transaction holds the single
     * write lock, and a P-256 verification inside it would serialise the CPU work of all scans. The answer is
     * remembered for exactly this key, signed message and signature; inside the transaction the verifier still runs
     * every step against the credential as read there, and any other combination (a key replaced meanwhile) is
     * verified there as usual.
     */
    private static AccessVerifier.SignatureCheck verifySignatureEarly(ParseResult parsed,
            Optional<CredentialRow> row) {
        if (!(parsed instanceof ParseResult.Parsed(AccessProof proof)) || row.isEmpty()) {
            return AccessVerifier.JCA;
        }
        byte[] spki = row.get().publicKey();
        byte[] payloadBytes = proof.signaturePayload();
        byte[] signature = proof.signature();
        boolean valid;
        try {
            valid = AccessVerifier.JCA.verify(PublicKeys.fromSpki(spki), payloadBytes, signature);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return AccessVerifier.JCA;
        }
        return (publicKey, data, sig) -> Arrays.equals(publicKey.getEncoded(), spki)
                && Arrays.equals(data, payloadBytes) && Arrays.equals(sig, signature)
                ? valid : AccessVerifier.JCA.verify(publicKey, data, sig);
    }

    /** A short digest of what was scanned, so that a retried event id can be told from a reused one. */
    private static String payloadDigest(String payload) {
        return io.gatehouse.protocol.codec.Base64Url.encode(Arrays.copyOf(
                io.gatehouse.server.common.Ids.sha256(payload == null ? "" : payload), 12));
    }

    private static ReplayGuard replay(Tx tx) {
        return (CredentialId id, long nonce, long expiresAt) -> tx.update(
                "INSERT INTO access_replay (credential_id, nonce, expires_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (credential_id, nonce) DO NOTHING", id.toString(), nonce, expiresAt) == 1;
    }

    /**
     * Deletes single-use records that can no longer matter: a proof is refused as expired {@code lifetime + skew}
     * after it was issued at any door, and both are bounded ({@link SiteAdmin#MAX_PROOF_LIFETIME_SECONDS},
     * {@link SiteAdmin#MAX_SKEW_SECONDS}), so a record kept that long past its own expiry covers every door.
     */
    public int pruneReplayRecords() {
        long horizon = clock.instant().getEpochSecond() - SiteAdmin.MAX_PROOF_LIFETIME_SECONDS
                - SiteAdmin.MAX_SKEW_SECONDS - PRUNE_MARGIN_SECONDS;
        return database.inTransaction(tx -> tx.update("DELETE FROM access_replay WHERE expires_at < ?", horizon));
    }
}
