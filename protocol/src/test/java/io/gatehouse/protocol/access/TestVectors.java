package io.gatehouse.protocol.access;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The contents of {@code vectors.json}, the test vectors that {@code docs/protocol.md} publishes. */
final class TestVectors {

    static final Map<String, Object> ROOT = load();
    static final KeyPair KEY_PAIR = keyPair(object(ROOT, "key"));
    static final KeyPair MINTING_KEY_PAIR = keyPair(object(ROOT, "mintingKey"));

    private TestVectors() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> parent, String name) {
        return (Map<String, Object>) parent.get(name);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> parent, String name) {
        return (List<Map<String, Object>>) parent.get(name);
    }

    static String string(Map<String, Object> parent, String name) {
        return (String) parent.get(name);
    }

    static byte[] hex(Map<String, Object> parent, String name) {
        return HexFormat.of().parseHex(string(parent, name));
    }

    static long number(Map<String, Object> parent, String name) {
        return (Long) parent.get(name);
    }

    static List<Map<String, Object>> vectors() {
        return list(ROOT, "vectors");
    }

    static Map<String, Object> context() {
        return object(ROOT, "verifierContext");
    }

    private static Map<String, Object> load() {
        try (InputStream in = TestVectors.class.getResourceAsStream("vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("vectors.json is missing from the test resources");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) MiniJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair keyPair(Map<String, Object> key) {
        try {
            return new KeyPair(PublicKeys.fromSpki(hex(key, "publicKeySpkiHex")),
                    KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(hex(key, "privateKeyPkcs8Hex"))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
