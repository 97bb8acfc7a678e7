package io.gatehouse.server.totp;

import io.gatehouse.server.common.Ids;
import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.totp.TotpStore.StoredCode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One-time recovery codes. Ten per user, 50 random bits each, shown once as {@code abcde-fgh23}. Only a keyed hash
 * is stored (HMAC-SHA256 under a key derived from the master key), so a stolen database alone does not allow an
 * offline search of the 2^50 code space.
 */
public final class RecoveryCodes {
    public static final int COUNT = 10;
    static final int LENGTH = 10;
    private static final String PURPOSE = "recovery-codes";

    private final MasterKeyring keyring;
    private final TotpStore store;
    private final Clock clock;
    private final SecureRandom random;

    public RecoveryCodes(MasterKeyring keyring, Clock clock, SecureRandom random) {
        this.keyring = keyring;
        this.store = new TotpStore();
        this.clock = clock;
        this.random = random;
    }

    /** Replaces every code of the user with {@link #COUNT} new ones and returns them, formatted for display. */
    List<String> regenerate(Tx tx, String userId) {
        long now = clock.millis();
        store.revokeRecoveryCodes(tx, userId, now);
        List<String> codes = new ArrayList<>();
        String keyId = keyring.activeKeyId();
        for (int i = 0; i < COUNT; i++) {
            String code = Ids.randomBase32(random, 8).substring(0, LENGTH);
            store.insertRecoveryCode(tx, Ids.newId(random, "rc"), userId, keyId, hash(keyId, code), now);
            codes.add(code.substring(0, 5) + "-" + code.substring(5));
        }
        return codes;
    }

    void revokeAll(Tx tx, String userId) {
        store.revokeRecoveryCodes(tx, userId, clock.millis());
    }

    /** The stored code that {@code normalisedCode} is, compared with every one of {@code codes} in constant time. */
    Optional<StoredCode> find(List<StoredCode> codes, String normalisedCode) {
        StoredCode found = null;
        for (StoredCode code : codes) {
            // No early exit: every stored code is compared.
            if (MessageDigest.isEqual(hash(code.keyId(), normalisedCode), code.hash()) && found == null) {
                found = code;
            }
        }
        return Optional.ofNullable(found);
    }

    private byte[] hash(String keyId, String normalisedCode) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyring.derive(keyId, PURPOSE), "HmacSHA256"));
            return mac.doFinal(normalisedCode.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("HMAC-SHA256 is unavailable", e);
        }
    }
}
