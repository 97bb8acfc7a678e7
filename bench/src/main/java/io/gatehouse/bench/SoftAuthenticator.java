package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.codec.Base64Url;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A passkey in software for the load generators: one ES256 (P-256) credential, registered with {@code none}
 * attestation and asserted with user presence and user verification, as WebAuthn Level 2 lays out the bytes:
 * authenticator data = SHA-256(rp id) || flags || signature counter (always 0, as many platform passkeys send) ||
 * [attested credential data]; the signature is ECDSA over authenticator data || SHA-256(clientDataJSON).
 */
final class SoftAuthenticator {
    private static final int UP = 0x01;
    private static final int UV = 0x04;
    private static final int AT = 0x40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final byte[] credentialId = new byte[32];
    private final String origin;
    private final byte[] rpIdHash;
    private byte[] userHandle;

    SoftAuthenticator(String origin, String rpId) {
        this.keys = p256();
        RANDOM.nextBytes(credentialId);
        this.origin = origin;
        this.rpIdHash = sha256(rpId.getBytes(StandardCharsets.UTF_8));
    }

    static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * For a server whose credentials are imported rather than registered: the credential as stored, and the user
     * handle its assertions carry.
     */
    record Imported(byte[] credentialId, byte[] coseKey) {
    }

    Imported imported(byte[] handle) {
        userHandle = handle.clone();
        return new Imported(credentialId.clone(), coseKey());
    }

    /** The answer to registration options ({@code publicKey}); remembers the user handle the server chose. */
    ObjectNode register(JsonNode publicKey) {
        userHandle = Base64Url.decode(publicKey.get("user").get("id").asText());
        byte[] clientData = clientData("webauthn.create", publicKey.get("challenge").asText());
        byte[] attested = concat(new byte[16], new byte[] {0, (byte) credentialId.length}, credentialId, coseKey());
        byte[] authData = concat(rpIdHash, new byte[] {(byte) (UP | UV | AT)}, new byte[4], attested);
        Map<Object, Object> attestation = new LinkedHashMap<>();
        attestation.put("fmt", "none");
        attestation.put("attStmt", Map.of());
        attestation.put("authData", authData);
        ObjectNode response = DoorFixture.JSON.createObjectNode()
                .put("attestationObject", Base64Url.encode(cbor(attestation)))
                .put("clientDataJSON", Base64Url.encode(clientData));
        response.putArray("transports").add("internal");
        return credential(response);
    }

    /** A user-verified assertion answering assertion options ({@code publicKey}). */
    ObjectNode assertion(JsonNode publicKey) {
        return credential(assertionResponse(publicKey.get("challenge").asText()));
    }

    /**
     * The response member of a user-verified assertion over {@code challenge} (base64url): authenticatorData,
     * clientDataJSON, signature and userHandle, each base64url.
     */
    ObjectNode assertionResponse(String challenge) {
        byte[] clientData = clientData("webauthn.get", challenge);
        byte[] authData = concat(rpIdHash, new byte[] {(byte) (UP | UV)}, new byte[4]);
        return DoorFixture.JSON.createObjectNode()
                .put("authenticatorData", Base64Url.encode(authData))
                .put("clientDataJSON", Base64Url.encode(clientData))
                .put("signature", Base64Url.encode(sign(concat(authData, sha256(clientData)))))
                .put("userHandle", Base64Url.encode(userHandle));
    }

    String credentialIdText() {
        return Base64Url.encode(credentialId);
    }

    private ObjectNode credential(ObjectNode response) {
        String id = Base64Url.encode(credentialId);
        ObjectNode credential = DoorFixture.JSON.createObjectNode().put("id", id).put("rawId", id)
                .put("type", "public-key").put("authenticatorAttachment", "platform");
        credential.set("response", response);
        credential.putObject("clientExtensionResults");
        return credential;
    }

    private byte[] clientData(String type, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    /** The credential's public key as a COSE_Key: EC2, ES256, P-256, x, y. */
    private byte[] coseKey() {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        Map<Object, Object> cose = new LinkedHashMap<>();
        cose.put(1, 2);
        cose.put(3, -7);
        cose.put(-1, 1);
        cose.put(-2, unsigned32(key.getW().getAffineX().toByteArray()));
        cose.put(-3, unsigned32(key.getW().getAffineY().toByteArray()));
        return cbor(cose);
    }

    private static byte[] unsigned32(byte[] bigEndian) {
        byte[] out = new byte[32];
        int length = Math.min(32, bigEndian.length);
        System.arraycopy(bigEndian, bigEndian.length - length, out, 32 - length, length);
        return out;
    }

    private byte[] sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(keys.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ---- The CBOR that attestation objects and COSE keys need (RFC 8949: integers, byte and text strings, maps)

    static byte[] cbor(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeCbor(out, value);
        return out.toByteArray();
    }

    private static void writeCbor(ByteArrayOutputStream out, Object value) {
        switch (value) {
            case Integer n when n >= 0 -> head(out, 0, n);
            case Integer n -> head(out, 1, -1L - n);
            case byte[] bytes -> {
                head(out, 2, bytes.length);
                out.writeBytes(bytes);
            }
            case String text -> {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                head(out, 3, utf8.length);
                out.writeBytes(utf8);
            }
            case Map<?, ?> map -> {
                head(out, 5, map.size());
                map.forEach((key, item) -> {
                    writeCbor(out, key);
                    writeCbor(out, item);
                });
            }
            default -> throw new IllegalArgumentException("no CBOR encoding here for " + value.getClass());
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long argument) {
        int type = major << 5;
        if (argument < 24) {
            out.write(type | (int) argument);
        } else if (argument < 0x100) {
            out.write(type | 24);
            out.write((int) argument);
        } else if (argument < 0x10000) {
            out.write(type | 25);
            out.write((int) (argument >> 8));
            out.write((int) argument);
        } else {
            out.write(type | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) argument).array());
        }
    }
}
