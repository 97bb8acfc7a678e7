package io.gatehouse.server.reader;

import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * The server's bundle-signing keys (ECDSA P-256), each with a key id. The private halves are stored encrypted under
 * the master key, so every node signs with the same key.
 *
 * <p>Rotation without reprovisioning readers, in two steps ({@link #rotate}): first a {@code next} key is created;
 * bundles, still signed by the {@code active} key, now list both, and readers pin both when they accept such a
 * bundle. Once readers have synced, the second step makes {@code next} the signing key and retires the old one.
 */
public final class BundleKeys {
    static final String PURPOSE = "bundle-signing";

    private final Database database;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public BundleKeys(Database database, SecretBox secrets, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** The signing key: its id and private half. */
    public record SigningKey(String keyId, PrivateKey privateKey) {
    }

    /** Creates the first key when there is none; safe when several nodes start at once. */
    public void ensureActive() {
        database.inTransaction(tx -> {
            if (tx.queryLong("SELECT COUNT(*) FROM server_keys WHERE purpose = ? AND status = 'active'", PURPOSE) == 0) {
                insert(tx, "bk1", "active");
            }
            return null;
        });
    }

    public SigningKey signingKey(ReadTx tx) {
        return tx.queryOne("SELECT key_id, private_key_ciphertext FROM server_keys WHERE purpose = ? AND status ="
                        + " 'active'", rs -> new SigningKey(rs.getString(1), decode(rs.getString(1), rs.getBytes(2))),
                PURPOSE).orElseThrow(() -> new CryptoException("no active bundle-signing key"));
    }

    /** The keys readers should trust: the active one and, during a rotation, the next one. */
    public List<TrustedKey> published(ReadTx tx) {
        return tx.query("SELECT key_id, public_key FROM server_keys WHERE purpose = ? AND status IN ('active', 'next')"
                + " ORDER BY key_id", rs -> new TrustedKey(rs.getString(1), PublicKeys.fromSpki(rs.getBytes(2))),
                PURPOSE);
    }

    public List<TrustedKey> published() {
        return database.read(this::published);
    }

    /** One rotation step; returns a sentence saying what it did. */
    public String rotate(ClientInfo client) {
        return database.inTransaction(tx -> {
            List<String> next = tx.query("SELECT key_id FROM server_keys WHERE purpose = ? AND status = 'next'",
                    rs -> rs.getString(1), PURPOSE);
            String result;
            if (next.isEmpty()) {
                long count = tx.queryLong("SELECT COUNT(*) FROM server_keys WHERE purpose = ?", PURPOSE);
                String keyId = "bk" + (count + 1);
                insert(tx, keyId, "next");
                result = "created the next bundle-signing key " + keyId + "; bundles now announce it. Run this again"
                        + " once every reader has synced, to sign with it.";
            } else {
                tx.update("UPDATE server_keys SET status = 'retired', retired_at = ?, private_key_ciphertext = NULL"
                        + " WHERE purpose = ? AND status = 'active'", clock.millis(), PURPOSE);
                tx.update("UPDATE server_keys SET status = 'active' WHERE key_id = ?", next.get(0));
                result = "bundle-signing key " + next.get(0) + " now signs; the previous key is retired.";
            }
            audit.append(tx, AuditEvent.of("cli", "keys.bundle.rotate", client).detail("result", result).success());
            return result;
        });
    }

    private void insert(Tx tx, String keyId, String status) {
        KeyPair pair = ProofSigner.generateP256(random);
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        tx.update("INSERT INTO server_keys (key_id, purpose, status, private_key_ciphertext, public_key, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING", keyId, PURPOSE, status,
                secrets.seal(pkcs8, "server-key:" + keyId), PublicKeys.toSpki(pair.getPublic()), clock.millis());
        Arrays.fill(pkcs8, (byte) 0);
    }

    private PrivateKey decode(String keyId, byte[] sealed) {
        byte[] pkcs8 = secrets.open(sealed, "server-key:" + keyId);
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("bundle-signing key " + keyId + " is unreadable", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
