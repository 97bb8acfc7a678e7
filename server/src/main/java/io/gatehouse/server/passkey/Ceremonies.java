package io.gatehouse.server.passkey;

import com.fasterxml.jackson.databind.JsonNode;

/** The typed commands and results of the two WebAuthn ceremonies. */
public final class Ceremonies {
    private Ceremonies() {
    }

    /**
     * Options for {@code navigator.credentials.create} or {@code .get}: {@code publicKey} is the WebAuthn JSON
     * (base64url byte fields) to pass as the {@code publicKey} member; {@code ceremonyId} goes back with the answer.
     */
    public record Options(String ceremonyId, JsonNode publicKey, String expiresAt) {
    }

    /** A browser's answer to a ceremony: the {@code PublicKeyCredential} in WebAuthn's JSON form. */
    public record Answer(String ceremonyId, JsonNode credential) {
    }

    /** A registered passkey and the device it became. */
    public record Registered(String deviceId, String credentialId, String trust, String trustReason,
            boolean backupEligible, boolean backedUp, String aaguid, String attestationFormat) {
    }

    /** A verified assertion: who signed, with which passkey, and what the authenticator said about itself. */
    public record Verified(String credentialId, String deviceId, String userId, String userHandle,
            boolean userVerified, boolean backupEligible, boolean backedUp, long signatureCount) {
    }
}
