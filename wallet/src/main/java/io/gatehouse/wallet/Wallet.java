package io.gatehouse.wallet;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import java.net.URI;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;

/**
 * An enrolled credential as the device holds it: the id the server gave it, the P-256 key pair whose
 * public half the server has, where the server is, what the device said about itself, and how often
 * it shows a new proof. Immutable; {@link #toString()} leaves the private key out.
 */
public final class Wallet {

    /** The proof rotation period when none is chosen. */
    public static final Duration DEFAULT_ROTATION = Duration.ofSeconds(10);

    private final CredentialId credentialId;
    private final String deviceId;
    private final DeviceTrust trust;
    private final KeyPair keyPair;
    private final URI serverBaseUrl;
    private final DeviceFacts device;
    private final Duration rotation;

    /**
     * Creates a wallet.
     *
     * @param credentialId the credential id the server assigned; not null
     * @param deviceId the device id the server assigned; not null
     * @param trust the device trust the server granted; not null
     * @param keyPair the credential's P-256 key pair; not null
     * @param serverBaseUrl the server's {@code scheme://host[:port]}, without a path; not null
     * @param device what the device reported at enrollment; not null
     * @param rotation how long each proof is shown before a new one replaces it; 1 s or more, whole seconds
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key pair is not P-256, the URL has a path, query or
     *     fragment, or the rotation is not a positive whole number of seconds
     */
    public Wallet(CredentialId credentialId, String deviceId, DeviceTrust trust, KeyPair keyPair,
            URI serverBaseUrl, DeviceFacts device, Duration rotation) {
        this.credentialId = Objects.requireNonNull(credentialId, "credentialId");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        PublicKeys.toSpki(Objects.requireNonNull(keyPair.getPublic(), "keyPair.public")); // checks P-256
        Objects.requireNonNull(keyPair.getPrivate(), "keyPair.private");
        this.serverBaseUrl = requireBaseUrl(serverBaseUrl);
        this.device = Objects.requireNonNull(device, "device");
        this.rotation = requireRotation(rotation);
    }

    /**
     * Returns the credential id.
     *
     * @return the id, never null
     */
    public CredentialId credentialId() {
        return credentialId;
    }

    /**
     * Returns the device id the server assigned.
     *
     * @return the id, never null
     */
    public String deviceId() {
        return deviceId;
    }

    /**
     * Returns the device trust the server granted at enrollment.
     *
     * @return the trust, never null
     */
    public DeviceTrust trust() {
        return trust;
    }

    /**
     * Returns the private key that signs proofs.
     *
     * @return the key, never null
     */
    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /**
     * Returns the public key the server verifies proofs with.
     *
     * @return the key, never null
     */
    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /**
     * Returns the server's base URL.
     *
     * @return {@code scheme://host[:port]}, never null
     */
    public URI serverBaseUrl() {
        return serverBaseUrl;
    }

    /**
     * Returns what the device reported at enrollment.
     *
     * @return the facts, never null
     */
    public DeviceFacts device() {
        return device;
    }

    /**
     * Returns how long each proof is shown.
     *
     * @return a positive whole number of seconds, never null
     */
    public Duration rotation() {
        return rotation;
    }

    @Override
    public String toString() {
        return "Wallet[credentialId=" + credentialId + ", deviceId=" + deviceId + ", trust=" + trust.code()
                + ", server=" + serverBaseUrl + ", device=" + device + ", rotation=" + rotation + "]";
    }

    // ---- Private helpers --------------------------------------------------------------------------

    private static URI requireBaseUrl(URI url) {
        Objects.requireNonNull(url, "serverBaseUrl");
        boolean bare = url.isAbsolute() && url.getHost() != null
                && (url.getRawPath() == null || url.getRawPath().isEmpty())
                && url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null;
        if (!bare || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
            throw new IllegalArgumentException("server base URL: expected http(s)://host[:port] without a path, got " + url);
        }
        return url;
    }

    private static Duration requireRotation(Duration rotation) {
        Objects.requireNonNull(rotation, "rotation");
        if (rotation.isNegative() || rotation.isZero() || rotation.getNano() != 0) {
            throw new IllegalArgumentException("rotation: expected a positive whole number of seconds, got " + rotation);
        }
        return rotation;
    }
}
