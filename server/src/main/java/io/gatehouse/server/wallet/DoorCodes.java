package io.gatehouse.server.wallet;

import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.DeviceCredential;
import io.gatehouse.server.device.DeviceKind;
import io.gatehouse.server.device.DeviceStore;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.passkey.PasskeyService;
import java.time.Clock;
import java.time.Duration;

/**
 * The web wallet's door codes: one verified passkey assertion buys one minted code. Every code given and every
 * code refused is in the audit log.
 */
public final class DoorCodes {
    /** The door default: a code is shown as long as a door accepts a proof by default. */
    public static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final String ACTION = "wallet.door_code";

    private final Database database;
    private final AuditLog audit;
    private final PasskeyService passkeys;
    private final Devices devices;
    private final Minter minter;
    private final Clock clock;

    public DoorCodes(Database database, AuditLog audit, PasskeyService passkeys, Devices devices, Minter minter,
            Clock clock) {
        this.database = database;
        this.audit = audit;
        this.passkeys = passkeys;
        this.devices = devices;
        this.minter = minter;
        this.clock = clock;
    }

    /** A minted code: the exact text a reader relays, its QR code as SVG, and until when the wallet shows it. */
    public record DoorCode(String payload, String qrSvg, String issuedAt, String expiresAt) {
    }

    /** Options for the assertion that unlocks one code: any of this server's passkeys, user verification required. */
    public Ceremonies.Options options() {
        return passkeys.discoverableAssertionOptions();
    }

    /**
     * Mints a code for a verified assertion: 1 the passkey's assertion passes every check of
     * {@link PasskeyService#finishAssertion} (challenge, origin, relying-party id, user verification, signature,
     * counter, an active device), 2 its device is a passkey device, 3 still active, 4 of an active user; then the
     * code is minted for that device's credential with the assertion's own UV flag.
     */
    public DoorCode mint(Ceremonies.Answer answer, ClientInfo client) {
        Ceremonies.Verified verified;
        try {
            verified = passkeys.finishAssertion(answer, client);
        } catch (GatehouseException e) {
            refused(null, null, e, client);
            throw e;
        }
        DeviceCredential credential = devices.credentialOfDevice(verified.deviceId()).orElseThrow(() ->
                GatehouseException.corrupt("passkey " + verified.credentialId() + " names device "
                        + verified.deviceId() + ", which does not exist", null));
        GatehouseException refusal = null;
        if (credential.kind() != DeviceKind.PASSKEY) {
            refusal = GatehouseException.corrupt("device " + credential.deviceId() + " has a passkey but is of kind "
                    + credential.kind().code(), null);
        } else if (!credential.deviceActive()) {
            refusal = GatehouseException.forbidden("device_revoked", "the device of this passkey was revoked; no"
                    + " door code");
        } else if (!credential.userActive()) {
            refusal = GatehouseException.forbidden("user_suspended", "your account is suspended; no door code");
        }
        if (refusal != null) {
            refused(credential.userId(), credential.deviceId(), refusal, client);
            throw refusal;
        }
        Minter.MintedCode code = minter.mint(credential.id(), verified.userVerified(), clock.instant(), LIFETIME);
        database.inTransaction(tx -> {
            DeviceStore.recordUse(tx, credential.id(), clock.millis());
            audit.append(tx, AuditEvent.of("device:" + credential.deviceId(), ACTION, client)
                    .user(credential.userId()).subject("device:" + credential.deviceId())
                    .detail("credential", credential.id().toString()).detail("userVerified", verified.userVerified())
                    .detail("mintingKey", code.mintingKeyId()).detail("expiresAt", code.expiresAt().toString())
                    .success());
            return null;
        });
        return new DoorCode(code.text(), QrCode.encode(code.text(), ErrorCorrection.M).toSvg(),
                code.issuedAt().toString(), code.expiresAt().toString());
    }

    private void refused(String userId, String deviceId, GatehouseException e, ClientInfo client) {
        database.inTransaction(tx -> {
            AuditEvent.Builder event = AuditEvent.of(deviceId == null ? "wallet" : "device:" + deviceId, ACTION,
                    client).reason(e.code());
            if (userId != null) {
                event.user(userId).subject("device:" + deviceId);
            }
            audit.append(tx, event.result("denied"));
            return null;
        });
    }
}
