package io.gatehouse.protocol.access;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;

/**
 * EC P-256 keys (secp256r1, prime256v1): generation, and public keys as X.509 SubjectPublicKeyInfo
 * DER, the form a phone sends at enrollment and the server stores.
 */
public final class PublicKeys {

    // ---- Constants --------------------------------------------------------------------------------

    /** The standard name of the only curve Gatehouse uses. */
    public static final String CURVE = "secp256r1";

    private static final ECParameterSpec P256 = p256Parameters();

    private PublicKeys() {
    }

    // ---- Factories --------------------------------------------------------------------------------

    /**
     * Generates a new P-256 key pair.
     *
     * @param random the source of randomness; not null
     * @return a new key pair, never null
     * @throws NullPointerException if {@code random} is null
     * @throws IllegalStateException if the JDK has no EC provider (it always has one)
     */
    public static KeyPair generateP256(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key generation is not available in this JDK", e);
        }
    }

    /**
     * Reads a P-256 public key from its X.509 SubjectPublicKeyInfo DER encoding.
     *
     * @param spki the DER bytes; not null; not retained
     * @return the key, never null
     * @throws NullPointerException if {@code spki} is null
     * @throws IllegalArgumentException with the reason if the bytes are not a DER SubjectPublicKeyInfo of
     *     an EC key, the key is on another curve than P-256, the point is not on the curve, or the
     *     encoding is not the canonical one (named curve, uncompressed point, nothing trailing)
     */
    public static PublicKey fromSpki(byte[] spki) {
        Objects.requireNonNull(spki, "spki");
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.clone()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("public key: expected an X.509 SubjectPublicKeyInfo of an EC P-256 key"
                    + " (" + spki.length + " bytes given); these bytes are not one", e);
        }
        ECPublicKey ecKey = (ECPublicKey) key;
        requireP256Curve(ecKey, "public key");
        requireOnCurve(ecKey.getW());
        if (!MessageDigest.isEqual(ecKey.getEncoded(), spki)) {
            throw new IllegalArgumentException("public key: expected the canonical DER encoding ("
                    + ecKey.getEncoded().length + " bytes, named curve, uncompressed point), got "
                    + spki.length + " bytes that differ from it");
        }
        return ecKey;
    }

    /**
     * Writes a P-256 public key as X.509 SubjectPublicKeyInfo DER (91 bytes).
     *
     * @param key the key; not null
     * @return a new array with the DER bytes, never null
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key is not an EC P-256 public key
     */
    public static byte[] toSpki(PublicKey key) {
        Objects.requireNonNull(key, "key");
        if (!(key instanceof ECPublicKey ecKey)) {
            throw new IllegalArgumentException("public key: expected an EC P-256 key, got algorithm "
                    + key.getAlgorithm() + " (" + key.getClass().getName() + ")");
        }
        requireP256Curve(ecKey, "public key");
        return ecKey.getEncoded();
    }

    // ---- Package helpers --------------------------------------------------------------------------

    /**
     * Checks that an EC key (public or private) uses P-256.
     *
     * @throws IllegalArgumentException naming the curve found otherwise
     */
    static void requireP256Curve(ECKey key, String what) {
        ECParameterSpec params = key.getParams();
        if (!isP256(params)) {
            throw new IllegalArgumentException(what + ": expected curve P-256 (secp256r1), got a "
                    + params.getCurve().getField().getFieldSize() + "-bit curve " + params);
        }
    }

    /**
     * Checks that a key of any kind is a P-256 key, when the key reveals its parameters (a key held in
     * hardware may not implement {@link ECKey}, and then only its algorithm is checked).
     *
     * @throws IllegalArgumentException if the key is not an EC key or is on another curve
     */
    static void requireP256(Key key, String what) {
        if (!"EC".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException(what + ": expected an EC P-256 key, got algorithm " + key.getAlgorithm());
        }
        if (key instanceof ECKey ecKey) {
            requireP256Curve(ecKey, what);
        }
    }

    // ---- Private helpers --------------------------------------------------------------------------

    private static boolean isP256(ECParameterSpec params) {
        return params != null
                && params.getCurve().equals(P256.getCurve())
                && params.getGenerator().equals(P256.getGenerator())
                && params.getOrder().equals(P256.getOrder())
                && params.getCofactor() == P256.getCofactor();
    }

    /** Checks y² = x³ + ax + b (mod p) with 0 <= x, y < p, so no invalid-curve point is ever used. */
    private static void requireOnCurve(ECPoint point) {
        if (ECPoint.POINT_INFINITY.equals(point)) {
            throw new IllegalArgumentException("public key: the point at infinity is not a valid public key");
        }
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            throw new IllegalArgumentException("public key: point coordinates must be in 0..p-1");
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(P256.getCurve().getA().multiply(x)).add(P256.getCurve().getB()).mod(p);
        if (!left.equals(right)) {
            throw new IllegalArgumentException("public key: the point is not on curve P-256");
        }
    }

    private static ECParameterSpec p256Parameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(CURVE));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
