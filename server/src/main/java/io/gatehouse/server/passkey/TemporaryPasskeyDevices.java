package io.gatehouse.server.passkey;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Passkey devices on the device tables as they are today, until the device store implements {@link PasskeyDevices}
 * itself (it then also records the kind {@code passkey} in its own column; here a device is a passkey when a passkey
 * row names it).
 */
public final class TemporaryPasskeyDevices implements PasskeyDevices {
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final SecureRandom random;

    public TemporaryPasskeyDevices(AuditLog audit, UserService users, Clock clock, SecureRandom random) {
        this.audit = audit;
        this.users = users;
        this.clock = clock;
        this.random = random;
    }

    private record Link(String id, String userId, String status, long expiresAt) {
    }

    @Override
    public Enrollment pendingEnrollment(ReadTx tx, String enrollmentToken) {
        Link link = live(tx, enrollmentToken);
        User user = users.require(tx, link.userId());
        if (!user.active()) {
            throw GatehouseException.conflict("user_suspended", "the user of this link is suspended");
        }
        return new Enrollment(link.id(), user.id(), user.username());
    }

    @Override
    public String create(Tx tx, String enrollmentToken, NewDevice device, ClientInfo client) {
        Link link = live(tx, enrollmentToken);
        if (!users.lock(tx, link.userId()).active()) {
            throw GatehouseException.conflict("user_suspended", "the user of this link is suspended");
        }
        String deviceId = Ids.newId(random, "dev");
        if (tx.update("UPDATE device_enrollments SET status = 'used', device_id = ?, ended_at = ? WHERE id = ?"
                + " AND status = 'pending'", deviceId, clock.millis(), link.id()) == 0) {
            throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
        }
        tx.update("INSERT INTO devices (id, user_id, credential_id, public_key, trust, model, attestation, status,"
                + " created_at) VALUES (?, ?, ?, ?, ?, 'passkey', ?, 'active', ?)", deviceId, device.userId(),
                device.credentialId(), device.publicKeyCose(), device.trust().level().code(), device.trust().reason(),
                clock.millis());
        audit.append(tx, AuditEvent.of("device-enrollment:" + link.id(), "device.enroll", client)
                .user(device.userId()).subject("device:" + deviceId).detail("kind", "passkey")
                .detail("credential", device.credentialId()).detail("trust", device.trust().level().code())
                .detail("trustReason", device.trust().reason()).success());
        return deviceId;
    }

    @Override
    public boolean isActive(ReadTx tx, String deviceId) {
        return tx.queryOne("SELECT status FROM devices WHERE id = ?", rs -> rs.getString(1), deviceId)
                .map("active"::equals).orElse(false);
    }

    private Link live(ReadTx tx, String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            throw GatehouseException.notFound("enrollment_not_found", "no such device enrollment link");
        }
        Link link = tx.queryOne("SELECT id, user_id, status, expires_at FROM device_enrollments WHERE token_hash = ?",
                rs -> new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)), Ids.sha256(token))
                .orElseThrow(() -> GatehouseException.notFound("enrollment_not_found", "no such device enrollment"
                        + " link"));
        if ("revoked".equals(link.status())) {
            throw GatehouseException.gone("enrollment_revoked", "this device enrollment link was revoked");
        }
        if (!"pending".equals(link.status())) {
            throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
        }
        if (clock.millis() >= link.expiresAt()) {
            throw GatehouseException.gone("enrollment_expired", "this device enrollment link expired");
        }
        return link;
    }
}
