package io.gatehouse.server.passkey;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;

/**
 * What passkeys need from the device store: the enrollment link a registration comes through, a device row of kind
 * {@code passkey} for each registered credential, and whether that device is still active.
 */
public interface PasskeyDevices {

    /** The user an enrollment link enrols a device for; refuses a link that is unknown, used, revoked or expired. */
    Enrollment pendingEnrollment(ReadTx tx, String enrollmentToken);

    /**
     * Ends the link and creates the device of the passkey, in the caller's transaction; refuses as
     * {@link #pendingEnrollment} does when the link died meanwhile. Returns the new device's id.
     */
    String create(Tx tx, String enrollmentToken, NewDevice device, ClientInfo client);

    boolean isActive(ReadTx tx, String deviceId);

    /** A live enrollment link: its id and the user it enrols a device for. */
    record Enrollment(String id, String userId, String username) {
    }

    /** The device of a passkey: its user, its WebAuthn credential id (base64url) and its trust. */
    record NewDevice(String userId, String credentialId, TrustDecision trust) {
    }
}
