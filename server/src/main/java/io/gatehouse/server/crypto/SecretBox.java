package io.gatehouse.server.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (TOTP seeds) with AES-256-GCM under a key derived from the active master key.
 *
 * <p>Format: {@code 0x01 | key id length (1 B) | key id (ASCII) | nonce (12 B) | ciphertext and 16-byte tag}. The
 * associated data names what the secret belongs to (for example {@code "totp-credential:<id>"}), so a ciphertext
 * copied into another row does not decrypt there.
 */
public final class SecretBox {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String PURPOSE = "secret-box";

    private final MasterKeyring keyring;
    private final SecureRandom random;
    /**
     * One cipher per thread, initialised again for every value: {@code Cipher.getInstance} looks the provider up on
     * every call, and a fresh cipher expands the AES key again; both were a tenth of a TOTP check's time in the
     * commit pipeline's writer. {@code init} resets all state, and a GCM encryption refuses a nonce it has just
     * used (ours are random).
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SecretBox::newCipher);

    public SecretBox(MasterKeyring keyring, SecureRandom random) {
        this.keyring = keyring;
        this.random = random;
    }

    /** Encrypts {@code plaintext} bound to {@code context}. */
    public byte[] seal(byte[] plaintext, String context) {
        String keyId = keyring.activeKeyId();
        byte[] keyIdBytes = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keyId, nonce, context);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(2 + keyIdBytes.length + NONCE_BYTES + sealed.length)
                    .put(VERSION).put((byte) keyIdBytes.length).put(keyIdBytes).put(nonce).put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new CryptoException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts a value made by {@link #seal} with the same context.
     *
     * @throws CryptoException when the value is malformed, its key is gone, or it was altered or moved
     */
    public byte[] open(byte[] box, String context) {
        if (box == null || box.length < 2 + NONCE_BYTES + TAG_BITS / 8 || box[0] != VERSION) {
            throw new CryptoException("sealed value for " + context + " is malformed");
        }
        int keyIdLength = box[1] & 0xff;
        int nonceStart = 2 + keyIdLength;
        if (box.length < nonceStart + NONCE_BYTES + TAG_BITS / 8) {
            throw new CryptoException("sealed value for " + context + " is truncated");
        }
        String keyId = new String(box, 2, keyIdLength, StandardCharsets.US_ASCII);
        byte[] nonce = Arrays.copyOfRange(box, nonceStart, nonceStart + NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, keyId, nonce, context);
            return cipher.doFinal(box, nonceStart + NONCE_BYTES, box.length - nonceStart - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new CryptoException("sealed value for " + context + " failed authentication (altered or moved)");
        } catch (GeneralSecurityException e) {
            throw new CryptoException("AES-GCM decryption failed", e);
        }
    }

    /** The key id a sealed value was made with, so that rotation can find values still under an old key. */
    public static String keyIdOf(byte[] box) {
        return new String(box, 2, box[1] & 0xff, StandardCharsets.US_ASCII);
    }

    private Cipher cipher(int mode, String keyId, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = ciphers.get();
        cipher.init(mode, new SecretKeySpec(keyring.derive(keyId, PURPOSE), "AES"),
                new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new CryptoException("AES-GCM is not available", e);
        }
    }
}
