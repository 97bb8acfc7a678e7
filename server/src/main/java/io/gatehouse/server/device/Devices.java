package io.gatehouse.server.device;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.user.PendingLinks;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Phones (and the software wallet) enrolled as door credentials.
 *
 * <p>An admin creates a single-use link that expires; the device generates its P-256 key pair and posts the public
 * key with its facts to the link. The server records the credential and how far it trusts the device. Without a
 * verified platform attestation that trust is {@code software}: an attestation a device sends is kept for the
 * record but not yet verified (see docs/security.md), so nothing here can claim hardware trust.
 */
public final class Devices {
    public static final String PATH = "/enroll/device/";
    static final Duration LINK_LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_FACT_LENGTH = 100;
    private static final int MAX_ATTESTATION_LENGTH = 16 * 1024;

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final SecureRandom random;

    public Devices(Database database, AuditLog audit, UserService users, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.clock = clock;
        this.random = random;
    }

    /** A new link; {@code token} exists only in this answer. */
    public record Link(String id, String token, Instant expiresAt) {
    }

    public Link createEnrollment(String userId, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            User user = users.lock(tx, userId);
            if (!user.active()) {
                throw GatehouseException.conflict("user_suspended", "user '" + user.username() + "' is suspended");
            }
            String id = Ids.newId(random, "denr");
            String token = Ids.randomBase32(random, 32);
            long expiresAt = clock.millis() + LINK_LIFETIME.toMillis();
            tx.update("INSERT INTO device_enrollments (id, token_hash, user_id, status, created_by, created_at,"
                    + " expires_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)", id, Ids.sha256(token), userId, by.actor(),
                    clock.millis(), expiresAt);
            audit.append(tx, AuditEvent.of(by.actor(), "device.enrollment.create", client).user(userId)
                    .subject("device-enrollment:" + id).detail("expiresAt", Instant.ofEpochMilli(expiresAt).toString())
                    .success());
            return new Link(id, token, Instant.ofEpochMilli(expiresAt));
        });
    }

    /** Checks that a link is live, for the page that shows it; returns its expiry. */
    public Instant checkLink(String token) {
        return database.read(tx -> live(tx, token)).expiresAt();
    }

    /**
     * Enrolls a device through the link: 1 the link is live, 2 the public key is an uncompressed P-256 SPKI, 3 the
     * facts are short text; then the credential is stored and the link dies.
     */
    public Map<String, Object> enroll(String token, JsonBody body, ClientInfo client) {
        String publicKeyText = body.requiredString("publicKey");
        byte[] spki;
        try {
            spki = Base64Url.decode(publicKeyText);
            PublicKeys.fromSpki(spki);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_public_key", "field 'publicKey' must be a base64url X.509"
                    + " SubjectPublicKeyInfo of a P-256 key: " + e.getMessage());
        }
        Map<String, String> facts = new LinkedHashMap<>();
        body.node("device").ifPresent(device -> {
            if (!device.isObject()) {
                throw GatehouseException.invalidField("device", "an object", device.getNodeType().toString());
            }
            for (String field : List.of("model", "os", "appVersion")) {
                if (device.hasNonNull(field)) {
                    String value = device.get(field).asText();
                    facts.put(field, Utf8.truncate(value, MAX_FACT_LENGTH));
                }
            }
        });
        String attestation = body.node("attestation").map(Object::toString).orElse(null);
        if (attestation != null && attestation.length() > MAX_ATTESTATION_LENGTH) {
            throw GatehouseException.invalid("invalid_field", "field 'attestation' is longer than "
                    + MAX_ATTESTATION_LENGTH + " characters");
        }
        DeviceTrust trust = DeviceTrust.SOFTWARE;
        return database.decide(tx -> {
            Pending link = live(tx, token);
            // The user's row lock orders this against a suspension, which ends the link.
            if (!users.lock(tx, link.userId()).active()) {
                throw GatehouseException.conflict("user_suspended", "the user of this link is suspended");
            }
            String deviceId = Ids.newId(random, "dev");
            CredentialId credentialId = CredentialId.random(random);
            if (tx.update("UPDATE device_enrollments SET status = 'used', device_id = ?, ended_at = ? WHERE id = ?"
                    + " AND status = 'pending'", deviceId, clock.millis(), link.id()) == 0) {
                throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
            }
            tx.update("""
                    INSERT INTO devices (id, user_id, credential_id, public_key, trust, model, os, app_version,
                                         attestation, status, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)""", deviceId, link.userId(),
                    credentialId.toString(), spki, trust.code(), facts.get("model"), facts.get("os"),
                    facts.get("appVersion"), attestation, clock.millis());
            AuditEvent.Builder event = AuditEvent.of("device-enrollment:" + link.id(), "device.enroll", client)
                    .user(link.userId()).subject("device:" + deviceId).detail("credential", credentialId.toString())
                    .detail("trust", trust.code()).detail("attestation", attestation == null ? "none"
                            : "present, not verified");
            facts.forEach(event::detail);
            audit.append(tx, event.success());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("credentialId", credentialId.toString());
            json.put("deviceId", deviceId);
            json.put("trust", trust.code());
            return json;
        });
    }

    /** One page of a user's devices by enrollment time. */
    public Page.Slice<Map<String, Object>> list(String userId, Page page) {
        List<Object> args = new ArrayList<>(List.of(userId));
        String sql = "SELECT * FROM devices WHERE user_id = ?" + page.sql("created_at", true, "id", true, args);
        return page.slice(database.read(tx -> {
            users.require(tx, userId);
            return tx.query(sql, rs -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("id", rs.getString("id"));
                json.put("userId", rs.getString("user_id"));
                json.put("credentialId", rs.getString("credential_id"));
                json.put("trust", rs.getString("trust"));
                json.put("status", rs.getString("status"));
                json.put("model", rs.getString("model"));
                json.put("os", rs.getString("os"));
                json.put("appVersion", rs.getString("app_version"));
                json.put("createdAt", Instant.ofEpochMilli(rs.getLong("created_at")).toString());
                return new Page.Keyed<>(json, rs.getLong("created_at"), rs.getString("id"));
            }, args.toArray());
        }));
    }

    /** Revokes one device, and ends the pending links of its user; its next scan is denied {@code revoked}. */
    public void revoke(String deviceId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            String userId = tx.queryOne("SELECT user_id FROM devices WHERE id = ?", rs -> rs.getString(1), deviceId)
                    .orElseThrow(() -> GatehouseException.notFound("device_not_found", "no device with id '" + deviceId
                            + "'"));
            users.lock(tx, userId);
            if (tx.update("UPDATE devices SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'",
                    clock.millis(), deviceId) == 0) {
                return null; // already revoked: nothing changes, nothing to record
            }
            // A revoked device may be in other hands: links issued to its user before now end with it.
            PendingLinks.Ended links = users.endPendingLinks(tx, userId, "device_revoked", by.actor(), client);
            audit.append(tx, AuditEvent.of(by.actor(), "device.revoke", client).user(userId)
                    .subject("device:" + deviceId).detail("pendingTotpEnrollmentsEnded", links.totpEnrollments())
                    .detail("pendingDeviceEnrollmentsEnded", links.deviceEnrollments()).success());
            return null;
        });
    }

    private record Pending(String id, String userId, Instant expiresAt) {
    }

    private Pending live(ReadTx tx, String token) {
        if (token == null || token.length() > 128) {
            throw GatehouseException.notFound("enrollment_not_found", "no such device enrollment link");
        }
        Object[] row = tx.queryOne("SELECT id, user_id, status, expires_at FROM device_enrollments WHERE token_hash"
                + " = ?", rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)},
                Ids.sha256(token)).orElseThrow(() -> GatehouseException.notFound("enrollment_not_found",
                        "no such device enrollment link"));
        if ("revoked".equals(row[2])) {
            throw GatehouseException.gone("enrollment_revoked", "this device enrollment link was revoked (its user was"
                    + " suspended or a credential revoked); ask an administrator for a new one");
        }
        if (!"pending".equals(row[2])) {
            throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
        }
        if (clock.millis() >= (Long) row[3]) {
            throw GatehouseException.gone("enrollment_expired", "this device enrollment link expired at "
                    + Instant.ofEpochMilli((Long) row[3]));
        }
        return new Pending((String) row[0], (String) row[1], Instant.ofEpochMilli((Long) row[3]));
    }
}
