package io.gatehouse.server.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
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
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys (ECDSA P-256, ES256) that sign ID tokens and access tokens, each named in the JWKS by its RFC 7638
 * thumbprint. The private halves are sealed under the master key, so every node signs with the same key; this class
 * alone reads and writes {@code oidc_signing_keys}.
 *
 * <p>Rotation in two steps ({@link #rotate}), like the minting key: first a {@code next} key is published in the
 * JWKS while the {@code active} key still signs, so relying parties that cache the JWKS learn it before it is used;
 * the second step signs with it and keeps the old key published as {@code previous} (private half erased), so that
 * tokens signed just before the switch still verify; the rotation after that retires it.
 */
public final class SigningKeys {
    static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;
    private static final String KEY_COLUMNS = "id, kid, status, private_key_ciphertext, public_key";

    private final Database database;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    /** Opened signing keys by row id: a row's key never changes, and signing should not unseal at every token. */
    private final Map<String, ECKey> opened = new ConcurrentHashMap<>();

    public SigningKeys(Database database, SecretBox secrets, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** Creates the first key when there is none; safe when several nodes start at once. */
    public void ensureActive() {
        database.inTransaction(tx -> {
            if (tx.queryLong("SELECT COUNT(*) FROM oidc_signing_keys WHERE status = 'active'") == 0) {
                insert(tx, "active");
            }
            return null;
        });
    }

    /** The key that signs now, with its private half and {@code kid}. */
    public ECKey signingKey() {
        return database.read(this::signingKey);
    }

    ECKey signingKey(ReadTx tx) {
        return tx.queryOne("SELECT " + KEY_COLUMNS + " FROM oidc_signing_keys WHERE status = 'active'",
                this::privateKey).orElseThrow(() -> new CryptoException("no active OIDC signing key"));
    }

    /** The public keys relying parties verify with: active, next and previous. */
    public JWKSet published() {
        List<JWK> keys = database.read(tx -> tx.query("SELECT " + KEY_COLUMNS + " FROM oidc_signing_keys"
                + " WHERE status IN ('active', 'next', 'previous') ORDER BY generation", SigningKeys::publicKey));
        return new JWKSet(keys);
    }

    /** One rotation step taken by {@code actor}; returns a sentence saying what it did. */
    public String rotate(String actor, ClientInfo from) {
        return database.inTransaction(tx -> {
            List<String> next = tx.query("SELECT id FROM oidc_signing_keys WHERE status = 'next'",
                    rs -> rs.getString(1));
            String result;
            if (next.isEmpty()) {
                String kid = insert(tx, "next");
                result = "published the next OIDC signing key " + kid + "; run this again once relying parties"
                        + " had time to fetch the JWKS, to sign with it";
            } else {
                tx.update("UPDATE oidc_signing_keys SET status = 'retired', retired_at = ? WHERE status = 'previous'",
                        clock.millis());
                tx.update("UPDATE oidc_signing_keys SET status = 'previous', private_key_ciphertext = NULL"
                        + " WHERE status = 'active'");
                tx.update("UPDATE oidc_signing_keys SET status = 'active' WHERE id = ?", next.get(0));
                String kid = tx.queryOne("SELECT kid FROM oidc_signing_keys WHERE id = ?", rs -> rs.getString(1),
                        next.get(0)).orElseThrow();
                result = "OIDC signing key " + kid + " now signs; the previous key stays published until the next"
                        + " rotation";
            }
            audit.append(tx, AuditEvent.of(actor, "keys.oidc.rotate", from).detail("result", result).success());
            return result;
        });
    }

    private String insert(Tx tx, String status) {
        long generation = tx.queryLong("SELECT COALESCE(MAX(generation), 0) FROM oidc_signing_keys") + 1;
        String id = "ok" + generation;
        KeyPair pair = generate();
        String kid = thumbprint(new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).build());
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            tx.update("INSERT INTO oidc_signing_keys (id, generation, kid, status, private_key_ciphertext,"
                    + " public_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", id, generation,
                    kid, status, secrets.seal(pkcs8, context(id)), pair.getPublic().getEncoded(), clock.millis());
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        return kid;
    }

    private KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot generate a P-256 key", e);
        }
    }

    private ECKey privateKey(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        ECKey cached = opened.get(id);
        if (cached != null) {
            return cached;
        }
        ECKey publicHalf = publicKey(rs);
        byte[] pkcs8 = secrets.open(rs.getBytes("private_key_ciphertext"), context(id));
        try {
            ECPrivateKey privateHalf = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            ECKey key = new ECKey.Builder(publicHalf).privateKey(privateHalf).build();
            opened.put(id, key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new CryptoException("OIDC signing key " + id + " is unreadable", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static ECKey publicKey(ResultSet rs) throws SQLException {
        try {
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(rs.getBytes("public_key")));
            return new ECKey.Builder(Curve.P_256, key).keyID(rs.getString("kid")).keyUse(KeyUse.SIGNATURE)
                    .algorithm(ALGORITHM).build();
        } catch (GeneralSecurityException | ClassCastException e) {
            throw GatehouseException.corrupt("the public half of OIDC signing key " + rs.getString("id"), e);
        }
    }

    private static String thumbprint(ECKey key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new CryptoException("cannot compute a key thumbprint", e);
        }
    }

    /** Binds a sealed private half to its row, so it cannot be moved to another key. */
    static String context(String id) {
        return "oidc-signing-key:" + id;
    }
}
