package io.gatehouse.server.device;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.passkey.PasskeyDevices;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Passkeys as devices of kind {@code passkey}, through the same single-use enrollment links as device keys. A
 * passkey's device gets a door credential id of its own (the one minted codes carry): the WebAuthn credential id is
 * the authenticator's, of any length, and stays with the passkey records. The device row keeps no key, because a
 * door never verifies a passkey's signature; the server does, before it mints.
 */
public final class PasskeyDeviceRecords implements PasskeyDevices {
    private static final byte[] NO_KEY = new byte[0];

    private final Devices devices;
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final SecureRandom random;

    public PasskeyDeviceRecords(Devices devices, AuditLog audit, UserService users, Clock clock, SecureRandom random) {
        this.devices = devices;
        this.audit = audit;
        this.users = users;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Enrollment pendingEnrollment(ReadTx tx, String enrollmentToken) {
        Devices.Pending link = devices.live(tx, enrollmentToken);
        User user = users.require(tx, link.userId());
        if (!user.active()) {
            throw GatehouseException.conflict("user_suspended", "the user of this link is suspended");
        }
        return new Enrollment(link.id(), user.id(), user.username());
    }

    @Override
    public String create(Tx tx, String enrollmentToken, NewDevice device, ClientInfo client) {
        Devices.Pending link = devices.live(tx, enrollmentToken);
        // The user's row lock orders this against a suspension, which ends the link.
        if (!users.lock(tx, link.userId()).active()) {
            throw GatehouseException.conflict("user_suspended", "the user of this link is suspended");
        }
        String deviceId = Ids.newId(random, "dev");
        CredentialId credentialId = CredentialId.random(random);
        if (!DeviceStore.useEnrollment(tx, link.id(), deviceId, clock.millis())) {
            throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
        }
        DeviceStore.insert(tx, new DeviceStore.NewDevice(deviceId, device.userId(), credentialId, DeviceKind.PASSKEY,
                NO_KEY, device.trust().level(), "passkey", null, null, device.trust().reason(), clock.millis()));
        audit.append(tx, AuditEvent.of("device-enrollment:" + link.id(), "device.enroll", client)
                .user(device.userId()).subject("device:" + deviceId).detail("kind", DeviceKind.PASSKEY.code())
                .detail("credential", credentialId.toString()).detail("webauthnCredential", device.credentialId())
                .detail("trust", device.trust().level().code()).detail("trustReason", device.trust().reason())
                .success());
        return deviceId;
    }

    @Override
    public boolean isActive(ReadTx tx, String deviceId) {
        return DeviceStore.isActive(tx, deviceId);
    }
}
