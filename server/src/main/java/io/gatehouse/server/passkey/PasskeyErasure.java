package io.gatehouse.server.passkey;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.db.Tx;
import java.util.ArrayList;
import java.util.List;

/**
 * A deleted person's passkeys: the records of their WebAuthn credentials (public key, user handle, attestation) and
 * the ceremonies still waiting for them. The device rows of the passkeys are the device feature's, which calls this
 * before it deletes them.
 */
public final class PasskeyErasure {
    private PasskeyErasure() {
    }

    /**
     * @param enrollmentTokenHashes SHA-256 of the user's device enrollment links' tokens, which name the
     *     registrations started through them
     * @return how many passkeys were deleted
     */
    public static int erase(Tx tx, String userId, List<byte[]> enrollmentTokenHashes, long now) {
        PasskeyStore store = new PasskeyStore();
        List<String> subjects = new ArrayList<>(store.credentialIdsOfUser(tx, userId));
        enrollmentTokenHashes.forEach(hash -> subjects.add(Base64Url.encode(hash)));
        new Challenges().deleteFor(tx, subjects, now);
        return store.deleteOfUser(tx, userId);
    }
}
