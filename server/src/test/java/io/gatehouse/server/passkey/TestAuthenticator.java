package io.gatehouse.server.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.common.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A WebAuthn authenticator in the test: makes credentials and assertions as a browser would hand them over, with the
 * flags, counter and attestation the test chooses.
 */
final class TestAuthenticator {
    static final int UP = 0x01;
    static final int UV = 0x04;
    static final int BE = 0x08;
    static final int BS = 0x10;
    private static final int AT = 0x40;

    /** How the authenticator attests a new credential. */
    sealed interface Attestation {
    }

    record None() implements Attestation {
    }

    record Self() implements Attestation {
    }

    /** Packed attestation signed by {@code signer}, whose chain (leaf first) travels in x5c. */
    record Packed(PrivateKey signer, List<byte[]> chain) implements Attestation {
    }

    final KeyPair credentialKeys = TestCertificates.ecKeys();
    final byte[] credentialId = new byte[32];
    final UUID aaguid;
    private final String origin;
    private final String rpId;

    TestAuthenticator(String origin, String rpId, UUID aaguid) {
        new java.security.SecureRandom().nextBytes(credentialId);
        this.origin = origin;
        this.rpId = rpId;
        this.aaguid = aaguid;
    }

    String credentialIdText() {
        return Base64Url.encode(credentialId);
    }

    /** A registration answer to {@code publicKey} options (the JSON member the server sent). */
    ObjectNode register(JsonNode publicKey, int flags, Attestation attestation) {
        byte[] clientData = clientData("webauthn.create", publicKey.get("challenge").asText());
        byte[] authData = authenticatorData(flags | AT, 0, attestedCredential());
        Map<String, Object> statement = new LinkedHashMap<>();
        String format = "packed";
        byte[] signed = concat(authData, sha256(clientData));
        switch (attestation) {
            case None none -> format = "none";
            case Self self -> {
                statement.put("alg", -7);
                statement.put("sig", sign(credentialKeys.getPrivate(), signed));
            }
            case Packed packed -> {
                statement.put("alg", -7);
                statement.put("sig", sign(packed.signer(), signed));
                statement.put("x5c", new ArrayList<Object>(packed.chain()));
            }
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("fmt", format);
        object.put("attStmt", statement);
        object.put("authData", authData);
        ObjectNode response = Json.MAPPER.createObjectNode()
                .put("attestationObject", Base64Url.encode(Cbor.encode(object)))
                .put("clientDataJSON", Base64Url.encode(clientData));
        response.putArray("transports").add("internal");
        return credential(response);
    }

    /** An assertion answer to {@code publicKey} options, with the given flags and signature counter. */
    ObjectNode assert_(JsonNode publicKey, int flags, long counter, byte[] userHandle) {
        byte[] clientData = clientData("webauthn.get", publicKey.get("challenge").asText());
        byte[] authData = authenticatorData(flags, counter, new byte[0]);
        ObjectNode response = Json.MAPPER.createObjectNode()
                .put("authenticatorData", Base64Url.encode(authData))
                .put("clientDataJSON", Base64Url.encode(clientData))
                .put("signature", Base64Url.encode(sign(credentialKeys.getPrivate(), concat(authData,
                        sha256(clientData)))))
                .put("userHandle", Base64Url.encode(userHandle));
        return credential(response);
    }

    private ObjectNode credential(ObjectNode response) {
        ObjectNode credential = Json.MAPPER.createObjectNode().put("id", credentialIdText())
                .put("rawId", credentialIdText()).put("type", "public-key");
        credential.set("response", response);
        credential.putObject("clientExtensionResults");
        return credential;
    }

    private byte[] clientData(String type, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] authenticatorData(int flags, long counter, byte[] attested) {
        return concat(sha256(rpId.getBytes(StandardCharsets.UTF_8)), new byte[] {(byte) flags},
                ByteBuffer.allocate(4).putInt((int) counter).array(), attested);
    }

    private byte[] attestedCredential() {
        ByteBuffer id = ByteBuffer.allocate(16).putLong(aaguid.getMostSignificantBits())
                .putLong(aaguid.getLeastSignificantBits());
        return concat(id.array(), new byte[] {0, (byte) credentialId.length}, credentialId, coseKey());
    }

    private byte[] coseKey() {
        ECPublicKey key = (ECPublicKey) credentialKeys.getPublic();
        Map<Object, Object> cose = new LinkedHashMap<>();
        cose.put(1, 2);
        cose.put(3, -7);
        cose.put(-1, 1);
        cose.put(-2, fixed(key.getW().getAffineX().toByteArray()));
        cose.put(-3, fixed(key.getW().getAffineY().toByteArray()));
        return Cbor.encode(cose);
    }

    private static byte[] fixed(byte[] unsigned) {
        byte[] out = new byte[32];
        int length = Math.min(32, unsigned.length);
        System.arraycopy(unsigned, unsigned.length - length, out, 32 - length, length);
        return out;
    }

    static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance(key.getAlgorithm().equals("RSA") ? "SHA256withRSA"
                    : "SHA256withECDSA");
            signature.initSign(key);
            signature.update(data);
            return signature.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
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
}
