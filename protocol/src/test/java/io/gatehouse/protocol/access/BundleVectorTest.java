package io.gatehouse.protocol.access;

import static io.gatehouse.protocol.access.TestVectors.hex;
import static io.gatehouse.protocol.access.TestVectors.number;
import static io.gatehouse.protocol.access.TestVectors.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@code bundle-vector.json}: a signed GHB2 bundle (the format before visitor passes, still parsed) that publishes the vectors' minting key, and the offline
 * decisions an implementation must reach from it for the access-proof vectors.
 */
class BundleVectorTest {

    private static final Map<String, Object> ROOT = load();
    private static final byte[] BYTES = hex(ROOT, "bundleHex");
    private static final TrustedKey BUNDLE_KEY = new TrustedKey("bk1",
            PublicKeys.fromSpki(hex(TestVectors.object(ROOT, "bundleKey"), "publicKeySpkiHex")));

    private static ReaderBundle accepted() {
        BundleCheck check = BundleVerifier.verify(BYTES, List.of(BUNDLE_KEY), string(ROOT, "readerId"), 0);
        assertThat(check).as(check.toString()).isInstanceOf(BundleCheck.Accepted.class);
        return ((BundleCheck.Accepted) check).bundle();
    }

    @Test
    void the_bundle_is_accepted_with_its_pinned_key_and_says_what_the_vectors_need() {
        ReaderBundle bundle = accepted();

        assertThat(new String(BYTES, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("GHB2");
        assertThat(bundle.bundleVersion()).isEqualTo(number(ROOT, "bundleVersion"));
        assertThat(bundle.issuedAtEpochSecond()).isEqualTo(number(ROOT, "issuedAt"));
        assertThat(bundle.expiresAtEpochSecond()).isEqualTo(number(ROOT, "expiresAt"));
        assertThat(bundle.door()).isEqualTo(new DoorSettings("door-lobby", "hq-main", ZoneId.of("Europe/Berlin"), 30, 5,
                true, DeviceTrust.HARDWARE));
        assertThat(bundle.offlineMode()).isEqualTo(OfflineMode.FAIL_SECURE);
        assertThat(bundle.mintingKeys()).containsExactly(new MintingKey(7, TestVectors.MINTING_KEY_PAIR.getPublic()));
        assertThat(bundle.credentials()).containsExactly(
                CredentialView.passkey(VerifierFixture.ID, "u-1001", "d-2001", true, true,
                        DeviceTrust.HARDWARE_BIOMETRIC, Set.of("staff")),
                new CredentialView(new CredentialId(HexFormat.of().parseHex("1f1e2d3c4b5a69788796a5b4c3d2e1f0")),
                        "u-1002", "d-2002", TestVectors.KEY_PAIR.getPublic(), true, true, DeviceTrust.SYNCED,
                        Set.of("staff")));
        assertThat(bundle.revoked()).isEmpty();
        assertThat(bundle.rules()).containsExactly(AccessRule.forRole("hq-main", "staff", List.of()));
    }

    @Test
    void encoding_the_same_bundle_again_gives_its_ghb3_form_the_ghb2_bytes_with_an_empty_passes_section()
            throws Exception {
        KeyFactory ec = KeyFactory.getInstance("EC");
        byte[] again = BundleCodec.encode(accepted(), "bk1", ec.generatePrivate(new PKCS8EncodedKeySpec(
                hex(TestVectors.object(ROOT, "bundleKey"), "privateKeyPkcs8Hex"))));

        // GHB3 = magic "GHB3", the GHB2 fields, a passes count of 0, then the signing key id ("bk1") and signature.
        int keyIdAt = BYTES.length - BundleCodec.SIGNATURE_LENGTH - 5;
        byte[] expected = ByteBuffer.allocate(keyIdAt + 4 + 5).put(BYTES, 0, keyIdAt).putInt(0)
                .put(BYTES, keyIdAt, 5).array();
        expected[3] = '3';
        assertThat(Arrays.copyOf(again, again.length - BundleCodec.SIGNATURE_LENGTH)).isEqualTo(expected);
        assertThat(BundleVerifier.verify(again, List.of(BUNDLE_KEY), "r-lobby", 0))
                .isInstanceOf(BundleCheck.Accepted.class);
    }

    static Stream<Arguments> offline() {
        return TestVectors.list(ROOT, "offline").stream().map(c -> Arguments.of(string(c, "name"), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offline")
    void the_offline_decision_from_the_bundle_is_the_published_one(String name, Map<String, Object> offlineCase) {
        BundleDirectory directory = new BundleDirectory(accepted());
        String text = string(TestVectors.vectors().get((int) number(offlineCase, "vector")), "proofText");
        Set<String> spent = new HashSet<>();
        AccessContext context = new AccessContext(directory.doorSettings(), number(offlineCase, "now"), directory,
                (id, nonce, expiresAt) -> spent.add(id + "/" + nonce), directory, directory);

        assertThat(new AccessVerifier().decide(text, context).code()).isEqualTo(string(offlineCase, "expected"));
    }

    private static Map<String, Object> load() {
        try (InputStream in = BundleVectorTest.class.getResourceAsStream("bundle-vector.json")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) MiniJson.parse(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
            return root;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
