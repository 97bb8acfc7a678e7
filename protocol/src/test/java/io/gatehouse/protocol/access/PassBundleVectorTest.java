package io.gatehouse.protocol.access;

import static io.gatehouse.protocol.access.TestVectors.hex;
import static io.gatehouse.protocol.access.TestVectors.number;
import static io.gatehouse.protocol.access.TestVectors.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.pass.PassDecision;
import io.gatehouse.protocol.pass.PassText;
import io.gatehouse.protocol.pass.PassVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@code bundle-vector-ghb3.json}: a signed GHB3 bundle with two visitor passes, and the offline pass
 * decisions an implementation must reach from it (docs/protocol.md C.4 and "Visitor passes offline").
 */
class PassBundleVectorTest {

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
    void the_bundle_is_accepted_and_lists_the_passes_by_the_digests_of_their_handles() {
        ReaderBundle bundle = accepted();

        assertThat(new String(BYTES, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("GHB3");
        assertThat(bundle.bundleVersion()).isEqualTo(number(ROOT, "bundleVersion"));
        List<BundlePass> expected = TestVectors.list(ROOT, "passes").stream().map(pass -> new BundlePass(
                hex(pass, "handleDigestHex"), string(pass, "visitorId"), number(pass, "validFrom"),
                number(pass, "validUntil"), (int) number(pass, "maxEntries"), (int) number(pass, "entriesCounted")))
                .toList();
        assertThat(bundle.passes()).isEqualTo(expected);
        for (Map<String, Object> pass : TestVectors.list(ROOT, "passes")) {
            assertThat(PassText.parse(string(pass, "text")).orElseThrow().digest())
                    .isEqualTo(hex(pass, "handleDigestHex"));
        }
    }

    @Test
    void encoding_the_same_bundle_again_gives_the_same_bytes_before_the_signature() throws Exception {
        byte[] again = BundleCodec.encode(accepted(), "bk1", KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(hex(TestVectors.object(ROOT, "bundleKey"), "privateKeyPkcs8Hex"))));

        int signed = BYTES.length - BundleCodec.SIGNATURE_LENGTH;
        assertThat(Arrays.copyOf(again, again.length - BundleCodec.SIGNATURE_LENGTH))
                .isEqualTo(Arrays.copyOf(BYTES, signed));
    }

    static Stream<Arguments> offline() {
        return TestVectors.list(ROOT, "offline").stream().map(c -> Arguments.of(string(c, "name"), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offline")
    void the_offline_pass_decision_is_the_published_one(String name, Map<String, Object> offlineCase) {
        String text = string(offlineCase, "text");
        int local = (int) number(offlineCase, "localEntries");

        PassDecision decision = new PassVerifier(accepted()).decide(text, number(offlineCase, "now"),
                visitor -> local);

        assertThat(decision.reason().map(reason -> reason.code()).orElse("granted"))
                .isEqualTo(string(offlineCase, "expected"));
    }

    private static Map<String, Object> load() {
        try (InputStream in = PassBundleVectorTest.class.getResourceAsStream("bundle-vector-ghb3.json")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) MiniJson.parse(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
