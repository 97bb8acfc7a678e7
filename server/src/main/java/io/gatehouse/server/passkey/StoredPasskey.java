package io.gatehouse.server.passkey;

import java.util.List;
import java.util.Optional;

/** A registered passkey as stored; identifiers in base64url, the AAGUID as its usual hex-with-dashes text. */
record StoredPasskey(String credentialId, String deviceId, String userId, byte[] userHandle, byte[] publicKeyCose,
        long signatureCount, String aaguid, String attestationFormat, byte[] attestationStatement,
        List<String> transports, boolean backupEligible, boolean backedUp, TrustDecision trust,
        Optional<Long> possiblyClonedAt) {

    StoredPasskey {
        transports = List.copyOf(transports);
    }
}
