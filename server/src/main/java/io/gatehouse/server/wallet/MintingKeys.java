package io.gatehouse.server.wallet;

import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's minting keys (ECDSA P-256), which sign the web wallet's door codes, each with the one-byte key id the
 * codes carry. The private halves are sealed under the master key, so every node mints with the same key; this class
 * alone reads and writes {@code minting_keys}.
 *
 * <p>Rotation in two steps ({@link #rotate}), like the bundle key: first a {@code next} key is made and published in
 * every bundle while the {@code active} key still mints; once every reader has synced, the second step mints with the
 * next key and retires the old one (its private half erased, its codes denied {@code unknown_minting_key} once the
 * readers sync again). A door that synced between the steps knows both keys, so no code is refused at the switch.
 */
public final class MintingKeys {
    private static final String PUBLISHED = "SELECT key_id, public_key FROM minting_keys"
            + " WHERE status IN ('active', 'next') ORDER BY generation";

    private final Database database;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    /** Opened private halves by row id: a row's key never changes, and minting should not unseal at every code. */
    private final Map<String, PrivateKey> opened = new ConcurrentHashMap<>();

    public MintingKeys(Database database, SecretBox secrets, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** The key that mints now: the id codes name it by, and its private half. */
    public record SigningKey(int keyId, PrivateKey privateKey) {
    }

    /** Creates the first key when there is none; safe when several nodes start at once. */
    public void ensureActive() {
        database.inTransaction(tx -> {
            if (tx.queryLong("SELECT COUNT(*) FROM minting_keys WHERE status = 'active'") == 0) {
                insert(tx, "active");
            }
            return null;
        });
    }

    /**
     * The active key.
     *
     * @throws CryptoException when there is none ({@link #ensureActive} did not run) or it cannot be unsealed
     */
    public SigningKey signingKey(ReadTx tx) {
        return tx.queryOne("SELECT id, key_id, private_key_ciphertext FROM minting_keys WHERE status = 'active'",
                rs -> new SigningKey(rs.getInt(2), open(rs.getString(1), rs.getBytes(3))))
                .orElseThrow(() -> new CryptoException("no active minting key"));
    }

    public SigningKey signingKey() {
        return database.read(this::signingKey);
    }

    /** The keys doors verify codes with: the active one and, during a rotation, the next one. */
    public List<MintingKey> published(ReadTx tx) {
        return tx.query(PUBLISHED, MintingKeys::publishedKey);
    }

    /** The same read as {@link #published(ReadTx)}, as one statement of a decision's read batch. */
    public Tx.Result<List<MintingKey>> published(Tx.Batch batch) {
        return batch.query(PUBLISHED, MintingKeys::publishedKey);
    }

    private static MintingKey publishedKey(ResultSet rs) throws SQLException {
        byte[] spki = rs.getBytes(2);
        try {
            return new MintingKey(rs.getInt(1), PublicKeys.fromSpki(spki));
        } catch (IllegalArgumentException e) {
            throw GatehouseException.corrupt("the public half of minting key "
                    + rs.getInt(1), e);
        }
    }

    public List<MintingKey> published() {
        return database.read(this::published);
    }

    /** One rotation step taken from the command line; returns a sentence saying what it did. */
    public String rotate(ClientInfo client) {
        return rotate("cli", client);
    }

    /** One rotation step taken by {@code actor}, who is named in its audit record. */
    public String rotate(String actor, ClientInfo client) {
        return database.inTransaction(tx -> {
            List<String> next = tx.query("SELECT id FROM minting_keys WHERE status = 'next'", rs -> rs.getString(1));
            String result;
            if (next.isEmpty()) {
                int keyId = insert(tx, "next");
                result = "created the next minting key " + keyId + "; bundles now publish it. Run this again once"
                        + " every reader has synced, to mint with it.";
            } else {
                tx.update("UPDATE minting_keys SET status = 'retired', retired_at = ?, private_key_ciphertext = NULL"
                        + " WHERE status = 'active'", clock.millis());
                tx.update("UPDATE minting_keys SET status = 'active' WHERE id = ?", next.get(0));
                int keyId = tx.queryOne("SELECT key_id FROM minting_keys WHERE id = ?", rs -> rs.getInt(1), next.get(0))
                        .orElseThrow();
                result = "minting key " + keyId + " now mints; the previous key is retired, and its codes are denied"
                        + " at each door from its next sync.";
            }
            audit.append(tx, AuditEvent.of(actor, "keys.minting.rotate", client).detail("result", result).success());
            return result;
        });
    }

    /** The key id of the n-th key ever made: 1..255, then 1 again. Two live keys are consecutive, so never equal. */
    static int keyIdOf(long generation) {
        return (int) ((generation - 1) % MintingKey.MAX_KEY_ID) + 1;
    }

    private int insert(Tx tx, String status) {
        long generation = tx.queryLong("SELECT COALESCE(MAX(generation), 0) FROM minting_keys") + 1;
        int keyId = keyIdOf(generation);
        String id = "mk" + generation;
        KeyPair pair = ProofSigner.generateP256(random);
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            tx.update("INSERT INTO minting_keys (id, generation, key_id, status, private_key_ciphertext, public_key,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", id, generation, keyId, status,
                    secrets.seal(pkcs8, context(id)), PublicKeys.toSpki(pair.getPublic()), clock.millis());
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        return keyId;
    }

    private PrivateKey open(String id, byte[] sealed) {
        PrivateKey cached = opened.get(id);
        if (cached != null) {
            return cached;
        }
        byte[] pkcs8 = secrets.open(sealed, context(id));
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            opened.put(id, key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new CryptoException("minting key " + id + " is unreadable", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Binds a sealed private half to its row, so it cannot be moved to another key. */
    static String context(String id) {
        return "minting-key:" + id;
    }
}
