package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bundles of the sizes a large site has. Only correctness is asserted here; the size and time figures
 * come from {@code io.gatehouse.reader.BundleSizeReport} and belong in the benchmarks.
 */
class LargeBundleTest {

    /** Distinct keys cost a key generation each; a few hundred, reused, keep the test fast. */
    private static final List<PublicKey> KEYS = keys(256);

    private static List<PublicKey> keys(int count) {
        List<PublicKey> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(PublicKeys.generateP256(BundleFixture.RANDOM).getPublic());
        }
        return keys;
    }

    static CredentialId idOf(int index) {
        return new CredentialId(ByteBuffer.allocate(16).putLong(0x6761746568L).putLong(index).array());
    }

    @ParameterizedTest
    @ValueSource(ints = {10_000, 100_000})
    void a_bundle_with_many_credentials_round_trips_and_answers_lookups(int count) {
        BundleFixture fixture = new BundleFixture();
        fixture.credentials.clear();
        fixture.revoked.clear();
        for (int i = 0; i < count; i++) {
            fixture.credentials.add(new CredentialView(idOf(i), "u-" + i, "d-" + i, KEYS.get(i % KEYS.size()),
                    true, true, DeviceTrust.HARDWARE, Set.of("staff")));
        }
        for (int i = 0; i < count / 100; i++) {
            fixture.revoked.add(idOf(i * 100));
        }

        byte[] bytes = fixture.encode();
        BundleCheck check = BundleVerifier.verify(bytes, BundleFixture.pins(), "r-lobby", 0);

        assertThat(check).isInstanceOf(BundleCheck.Accepted.class);
        BundleDirectory directory = new BundleDirectory(((BundleCheck.Accepted) check).bundle());
        assertThat(directory.size()).isEqualTo(count);
        assertThat(directory.find(idOf(count - 1)).orElseThrow().userId()).isEqualTo("u-" + (count - 1));
        assertThat(directory.find(idOf(count - 1)).orElseThrow().credentialActive()).isTrue();
        assertThat(directory.find(idOf(100)).orElseThrow().credentialActive()).isFalse();
        assertThat(directory.find(idOf(count))).isEmpty();
    }
}
