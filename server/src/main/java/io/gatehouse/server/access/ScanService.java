package io.gatehouse.server.access;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialDirectory;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.ReplayGuard;
import io.gatehouse.protocol.access.RuleSource;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.http.ApiException;
import io.gatehouse.server.http.ClientInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;

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

    public Outcome scan(Readers.Reader reader, String payload, Optional<String> readerEventId, ClientInfo client) {
        try {
            return decide(reader, payload, readerEventId, client);
        } catch (io.gatehouse.server.db.DatabaseException e) {
            if (readerEventId.isPresent() && e.isUniqueViolation()) {
                // The same event id raced in on another connection and won: answer as for a retry.
                return decide(reader, payload, readerEventId, client);
            }
            throw e;
        }
    }

    private Outcome decide(Readers.Reader reader, String payload, Optional<String> readerEventId, ClientInfo client) {
        readerEventId.ifPresent(id -> {
            if (!id.startsWith(reader.id() + "/") || !id.substring(reader.id().length() + 1)
                    .matches("[1-9][0-9]{0,18}")) {
                throw ApiException.badRequest("invalid_field", "field 'eventId' must be '" + reader.id()
                        + "/<sequence>', got '" + id + "'");
            }
        });
        Optional<String> eventId = readerEventId.map(reader::storedEventId);
        AccessVerifier.SignatureCheck early = verifySignatureEarly(payload);
        return database.inTransaction(tx -> {
            if (eventId.isPresent()) {
                String digest = payloadDigest(payload);
                Optional<Outcome> earlier = tx.queryOne("SELECT result, reason, details FROM audit_log WHERE event_id"
                        + " = ?", rs -> {
                            if (rs.getString(3) == null || !rs.getString(3).contains("\"payloadDigest\":\"" + digest
                                    + "\"")) {
                                throw ApiException.conflict("event_id_reused", "event id '" + readerEventId.get()
                                        + "' was already used for another scan");
                            }
                            return new Outcome("grant".equals(rs.getString(1)), rs.getString(2), reader.doorId(),
                                    true, "decided before");
                        }, eventId.get());
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            Door door = Door.find(tx, reader.doorId()).orElseThrow(() -> new IllegalStateException(
                    "reader " + reader.id() + " names a missing door " + reader.doorId()));
            long now = clock.instant().getEpochSecond();
            Decision decision = new AccessVerifier(early).decide(payload, new AccessContext(door.settings(), now,
                    directory(tx), replay(tx), rules(tx)));
            record(tx, reader, door, decision, eventId, client, now, payload);
            readerEventId.ifPresent(id -> Readers.recordOnlineDecision(tx, reader, id, decision.granted() ? "grant"
                    : "deny", decision.granted() ? null : decision.reason().code(),
                    decision.proof().map(proof -> proof.credentialId().toString()).orElse(null), clock.millis()));
            return new Outcome(decision.granted(), decision.granted() ? null : decision.reason().code(), door.id(),
                    false, decision.detail());
        });
    }

    private void record(Tx tx, Readers.Reader reader, Door door, Decision decision, Optional<String> eventId,
            ClientInfo client, long now, String payload) {
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
            event.user(credential.userId()).detail("device", credential.deviceId())
                    .detail("deviceTrust", credential.trust().code());
            tx.queryOne("SELECT model, os, app_version FROM devices WHERE id = ?", rs -> {
                event.detail("deviceModel", rs.getString(1)).detail("deviceOs", rs.getString(2))
                        .detail("appVersion", rs.getString(3));
                return true;
            }, credential.deviceId());
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
     * remembered for exactly this key, payload and signature; inside the transaction the verifier still runs every
     * step against current state, and any other combination is verified there as usual.
     */
    private AccessVerifier.SignatureCheck verifySignatureEarly(String payload) {
        if (!(io.gatehouse.protocol.access.AccessProofCodec.parse(payload)
                instanceof io.gatehouse.protocol.access.ParseResult.Parsed parsed)) {
            return AccessVerifier.JCA;
        }
        AccessProof proof = parsed.proof();
        Optional<byte[]> key = database.read(tx -> tx.queryOne("SELECT public_key FROM devices WHERE credential_id ="
                + " ?", rs -> rs.getBytes(1), proof.credentialId().toString()));
        if (key.isEmpty()) {
            return AccessVerifier.JCA;
        }
        byte[] spki = key.get();
        byte[] payloadBytes = proof.signaturePayload();
        byte[] signature = proof.signature();
        boolean valid;
        try {
            valid = AccessVerifier.JCA.verify(PublicKeys.fromSpki(spki), payloadBytes, signature);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return AccessVerifier.JCA;
        }
        return (publicKey, data, sig) -> java.util.Arrays.equals(publicKey.getEncoded(), spki)
                && java.util.Arrays.equals(data, payloadBytes) && java.util.Arrays.equals(sig, signature)
                ? valid : AccessVerifier.JCA.verify(publicKey, data, sig);
    }

    /** A short digest of what was scanned, so that a retried event id can be told from a reused one. */
    private static String payloadDigest(String payload) {
        return io.gatehouse.protocol.codec.Base64Url.encode(java.util.Arrays.copyOf(
                io.gatehouse.server.common.Ids.sha256(payload == null ? "" : payload), 12));
    }

    private static CredentialDirectory directory(Tx tx) {
        return id -> tx.queryOne("""
                SELECT d.id, d.user_id, d.public_key, d.trust, d.status, u.status AS user_status
                FROM devices d JOIN users u ON u.id = d.user_id WHERE d.credential_id = ?""",
                rs -> new CredentialView(id, rs.getString("user_id"), rs.getString("id"),
                        PublicKeys.fromSpki(rs.getBytes("public_key")), "active".equals(rs.getString("status")),
                        "active".equals(rs.getString("user_status")), DeviceTrust.parse(rs.getString("trust")),
                        new HashSet<>(tx.query("SELECT role FROM user_roles WHERE user_id = ?", r -> r.getString(1),
                                rs.getString("user_id")))), id.toString());
    }

    private static ReplayGuard replay(Tx tx) {
        return (CredentialId id, long nonce, long expiresAt) -> tx.update(
                "INSERT INTO access_replay (credential_id, nonce, expires_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (credential_id, nonce) DO NOTHING", id.toString(), nonce, expiresAt) == 1;
    }

    private static RuleSource rules(Tx tx) {
        return zoneId -> tx.query("SELECT role, user_id, schedule FROM access_rules WHERE zone_id = ?", rs -> {
            String role = rs.getString("role");
            var schedule = Schedules.fromStored(rs.getString("schedule"));
            return role != null ? AccessRule.forRole(zoneId, role, schedule)
                    : AccessRule.forUser(zoneId, rs.getString("user_id"), schedule);
        }, zoneId);
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
