package io.gatehouse.server.reader;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.Schedules;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.common.ClientInfo;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What offline readers need from the server: provisioning (a one-time token becomes the reader's key and
 * credential), signed bundles, and the upload of the reader's hash-chained event queue into the audit log.
 */
public final class ReaderSync {
    static final Duration PROVISIONING_LIFETIME = Duration.ofHours(1);
    public static final String TOKEN_PREFIX = "ghp_";
    public static final String PATH = "/reader-enroll/";

    private final Database database;
    private final AuditLog audit;
    private final BundleKeys keys;
    private final Clock clock;
    private final SecureRandom random;
    private final EventUpload events;

    public ReaderSync(Database database, AuditLog audit, BundleKeys keys, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.keys = keys;
        this.clock = clock;
        this.random = random;
        this.events = new EventUpload(database, audit, clock);
    }

    /**
     * A provisioning token: {@code ghp_} + base64url(server base URL) + {@code .} + secret.
     *
     * @param replacesCredential the reader has a working credential now, which stops working when the token is used
     * @param supersededTokens earlier pending tokens of this reader, which stopped working now
     */
    public record Provisioning(String token, String secret, Instant expiresAt, boolean replacesCredential,
            int supersededTokens) {
    }

    public Provisioning provision(String readerId, String baseUrl, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            String status = tx.queryOne("SELECT status FROM readers WHERE id = ?", rs -> rs.getString(1), readerId)
                    .orElseThrow(() -> GatehouseException.notFound("reader_not_found", "no reader with id '" + readerId
                            + "'"));
            long now = clock.millis();
            int superseded = tx.update("UPDATE reader_provisioning SET status = 'superseded', ended_at = ? WHERE reader_id = ? AND"
                    + " status = 'pending'", now, readerId);
            String secret = Ids.randomBase32(random, 32);
            long expiresAt = now + PROVISIONING_LIFETIME.toMillis();
            tx.update("INSERT INTO reader_provisioning (id, reader_id, secret_hash, status, created_at, expires_at)"
                    + " VALUES (?, ?, ?, 'pending', ?, ?)", Ids.newId(random, "prov"), readerId, Ids.sha256(secret),
                    now, expiresAt);
            audit.append(tx, AuditEvent.of(by.actor(), "reader.provision", client).subject("reader:" + readerId)
                    .detail("expiresAt", Instant.ofEpochMilli(expiresAt).toString())
                    .detail("replacesCredential", "active".equals(status)).detail("supersededTokens", superseded)
                    .success());
            String token = TOKEN_PREFIX + Base64Url.encode(baseUrl.getBytes(StandardCharsets.UTF_8)) + "." + secret;
            return new Provisioning(token, secret, Instant.ofEpochMilli(expiresAt), "active".equals(status),
                    superseded);
        });
    }

    /** Checks that {@code secret} names a pending, unexpired provisioning (404 or 410 otherwise). */
    public void checkProvisioning(String secret) {
        database.read(tx -> pendingProvisioning(tx, secret));
    }

    private Object[] pendingProvisioning(ReadTx tx, String secret) {
        if (secret == null || secret.length() > 128) {
            throw GatehouseException.notFound("provisioning_not_found", "no such provisioning token");
        }
        Object[] row = tx.queryOne("SELECT id, reader_id, status, expires_at FROM reader_provisioning WHERE"
                + " secret_hash = ?", rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getLong(4)}, Ids.sha256(secret))
                .orElseThrow(() -> GatehouseException.notFound("provisioning_not_found", "no such provisioning token"));
        if (!"pending".equals(row[2])) {
            throw GatehouseException.gone("provisioning_used", "this provisioning token was already used or replaced");
        }
        if (clock.millis() >= (Long) row[3]) {
            throw GatehouseException.gone("provisioning_expired", "this provisioning token has expired");
        }
        return row;
    }

    /**
     * Enrolls a reader with a provisioning secret: 1 the secret names a pending, unexpired provisioning; 2 the public
     * key is a P-256 SPKI. The reader gets a new credential (the old one stops working), its key is recorded, and
     * its event chain starts again under a new generation.
     */
    public Map<String, Object> enroll(String secret, String publicKeyText, Map<String, String> facts,
            String serverUrl, ClientInfo client) {
        byte[] spki;
        try {
            spki = Base64Url.decode(publicKeyText);
            PublicKeys.fromSpki(spki);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_public_key", "field 'publicKey' must be a base64url SPKI of a"
                    + " P-256 key: " + e.getMessage());
        }
        return database.inTransaction(tx -> {
            Object[] row = pendingProvisioning(tx, secret);
            String readerId = (String) row[1];
            if (tx.update("UPDATE reader_provisioning SET status = 'used', ended_at = ? WHERE id = ? AND status ="
                    + " 'pending'", clock.millis(), row[0]) == 0) {
                throw GatehouseException.gone("provisioning_used", "this provisioning token was already used");
            }
            String credentialSecret = Ids.randomBase32(random, 32);
            tx.update("UPDATE readers SET secret_hash = ?, public_key = ?, status = 'active', revoked_at = NULL,"
                    + " generation = generation + 1, event_seq = 0, event_hash = NULL WHERE id = ?",
                    Ids.sha256(credentialSecret), spki, readerId);
            String doorId = tx.queryOne("SELECT door_id FROM readers WHERE id = ?", rs -> rs.getString(1), readerId)
                    .orElseThrow();
            AuditEvent.Builder event = AuditEvent.of("reader-provisioning:" + row[0], "reader.enroll", client)
                    .subject("reader:" + readerId);
            facts.forEach(event::detail);
            audit.append(tx, event.success());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("readerId", readerId);
            json.put("doorId", doorId);
            json.put("credential", Readers.PREFIX + readerId + "_" + credentialSecret);
            json.put("bundleKeys", keys.published(tx).stream().map(key -> Map.of("keyId", key.keyId(),
                    "publicKey", Base64Url.encode(PublicKeys.toSpki(key.publicKey())))).toList());
            json.put("serverUrl", serverUrl);
            return json;
        });
    }

    /** Builds and signs the reader's bundle; each build has a new, higher version. */
    public byte[] bundle(Readers.Reader reader) {
        // A short write takes the version; the build itself only reads, so on SQLite it does not hold the single
        // write lock (scans would wait for it) while thousands of credentials are read and signed.
        long version = database.inTransaction(tx -> {
            tx.update("UPDATE readers SET bundle_version = bundle_version + 1 WHERE id = ?", reader.id());
            return tx.queryLong("SELECT bundle_version FROM readers WHERE id = ?", reader.id());
        });
        return database.readSnapshot(tx -> {
            Door door = Door.find(tx, reader.doorId()).orElseThrow();
            long now = clock.instant().getEpochSecond();
            List<AccessRule> rules = tx.query("SELECT role, user_id, schedule FROM access_rules WHERE zone_id = ?",
                    rs -> rs.getString("role") != null
                            ? AccessRule.forRole(door.zoneId(), rs.getString("role"),
                                    Schedules.fromStored(rs.getString("schedule")))
                            : AccessRule.forUser(door.zoneId(), rs.getString("user_id"),
                                    Schedules.fromStored(rs.getString("schedule"))), door.zoneId());
            List<CredentialView> credentials = credentialsFor(tx, door.zoneId());
            List<CredentialId> revoked = credentials.stream().filter(c -> !c.credentialActive())
                    .map(CredentialView::id).toList();
            List<TrustedKey> trusted = keys.published(tx);
            BundleKeys.SigningKey signing = keys.signingKey(tx);
            ReaderBundle bundle = new ReaderBundle(version, now, now + door.maxBundleAgeSeconds(), reader.id(),
                    door.settings(), "fail_open".equals(door.offlineMode()) ? OfflineMode.FAIL_OPEN
                            : OfflineMode.FAIL_SECURE, trusted, credentials, revoked, rules);
            return BundleCodec.encode(bundle, signing.keyId(), signing.privateKey());
        });
    }

    /** Every device of every user some rule of the zone names, revoked ones included (the reader must know). */
    private static List<CredentialView> credentialsFor(ReadTx tx, String zoneId) {
        Map<String, Set<String>> roles = new HashMap<>();
        tx.query("""
                SELECT DISTINCT r.user_id, r.role FROM user_roles r
                WHERE r.user_id IN (SELECT ur.user_id FROM user_roles ur JOIN access_rules a ON a.role = ur.role
                                    WHERE a.zone_id = ?
                                    UNION SELECT a.user_id FROM access_rules a WHERE a.zone_id = ? AND a.user_id IS NOT NULL)""",
                rs -> roles.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2)), zoneId,
                zoneId);
        return tx.query("""
                SELECT d.id, d.user_id, d.credential_id, d.public_key, d.trust, d.status, u.status AS user_status
                FROM devices d JOIN users u ON u.id = d.user_id
                WHERE d.user_id IN (SELECT ur.user_id FROM user_roles ur JOIN access_rules a ON a.role = ur.role
                                    WHERE a.zone_id = ?
                                    UNION SELECT a.user_id FROM access_rules a WHERE a.zone_id = ? AND a.user_id IS NOT NULL)
                ORDER BY d.credential_id""",
                rs -> new CredentialView(CredentialId.parse(rs.getString("credential_id")), rs.getString("user_id"),
                        rs.getString("id"), PublicKeys.fromSpki(rs.getBytes("public_key")),
                        "active".equals(rs.getString("status")), "active".equals(rs.getString("user_status")),
                        DeviceTrust.parse(rs.getString("trust")),
                        roles.getOrDefault(rs.getString("user_id"), Set.of())), zoneId, zoneId);
    }

    /** Merges uploaded events into the audit log; see {@link EventUpload}. */
    EventUpload.Result upload(Readers.Reader reader, List<EventParser.Item> items, ClientInfo client) {
        return events.upload(reader, items, client);
    }
}
