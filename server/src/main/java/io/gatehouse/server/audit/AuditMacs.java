package io.gatehouse.server.audit;

import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.MasterKeyring;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two MACs that protect the audit log, keyed by a key derived from the master key, so that someone who can
 * write to the database but does not hold the key file can neither forge a record nor re-link the chain.
 *
 * <ul>
 *   <li>content MAC = HMAC-SHA256(k, canonical(record)), where canonical is each field as a 4-byte big-endian
 *       length (-1 for null) followed by its UTF-8 bytes, in the order of {@link #contentMac};</li>
 *   <li>chain MAC = HMAC-SHA256(k, previous chain MAC (32 zero bytes for the first) | chain position (8 bytes) |
 *       content MAC).</li>
 * </ul>
 */
final class AuditMacs {
    private static final String PURPOSE = "audit-log";
    private static final byte[] GENESIS = new byte[32];

    private final MasterKeyring keyring;
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

    AuditMacs(MasterKeyring keyring) {
        this.keyring = keyring;
    }

    String activeKeyId() {
        return keyring.activeKeyId();
    }

    byte[] contentMac(String keyId, String eventId, long createdAt, String actor, String action, String subjectUser,
            String subject, String result, String reason, String clientAddress, String userAgent, String details) {
        Mac mac = mac(keyId);
        field(mac, eventId);
        mac.update(ByteBuffer.allocate(8).putLong(createdAt).array());
        for (String value : new String[] {actor, action, subjectUser, subject, result, reason, clientAddress,
                userAgent, details}) {
            field(mac, value);
        }
        return mac.doFinal();
    }

    byte[] chainMac(String keyId, byte[] previousChainMac, long chainSeq, byte[] contentMac) {
        Mac mac = mac(keyId);
        mac.update(previousChainMac == null ? GENESIS : previousChainMac);
        mac.update(ByteBuffer.allocate(8).putLong(chainSeq).array());
        mac.update(contentMac);
        return mac.doFinal();
    }

    private static void field(Mac mac, String value) {
        if (value == null) {
            mac.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
    }

    private Mac mac(String keyId) {
        return macs.get().computeIfAbsent(keyId, id -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(keyring.derive(id, PURPOSE), "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new CryptoException("HMAC-SHA256 is unavailable", e);
            }
        });
    }
}
