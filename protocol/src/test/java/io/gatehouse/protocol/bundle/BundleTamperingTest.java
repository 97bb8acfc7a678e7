package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive checks over a small bundle: no single-byte change and no truncation is ever accepted. A
 * change before the signature breaks it (or the parse, or names an unknown key); a change in the
 * signature breaks it; a cut anywhere is truncated.
 */
class BundleTamperingTest {

    private final byte[] good = new BundleFixture().encode();

    @Test
    void the_untouched_bundle_is_accepted() {
        assertThat(BundleVerifier.verify(good, BundleFixture.pins(), "r-lobby", 0)).isInstanceOf(BundleCheck.Accepted.class);
    }

    @Test
    void every_single_byte_change_is_refused() {
        Map<BundleRefusal, Integer> reasons = new EnumMap<>(BundleRefusal.class);
        int[] masks = {0x01, 0x80, 0xFF};
        for (int position = 0; position < good.length; position++) {
            for (int mask : masks) {
                byte[] bytes = good.clone();
                bytes[position] ^= (byte) mask;
                BundleCheck check = BundleVerifier.verify(bytes, BundleFixture.pins(), "r-lobby", 0);
                if (check instanceof BundleCheck.Refused refused) {
                    reasons.merge(refused.reason(), 1, Integer::sum);
                } else {
                    fail("byte " + position + " xor 0x" + Integer.toHexString(mask) + " was accepted: " + check);
                }
            }
        }
        // Sanity: the flips reached parse errors, key id changes and signature failures.
        assertThat(reasons).containsKeys(BundleRefusal.MALFORMED, BundleRefusal.UNKNOWN_KEY, BundleRefusal.BAD_SIGNATURE);
        assertThat(reasons.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(good.length * masks.length);
    }

    @Test
    void every_truncation_is_refused_as_truncated() {
        for (int length = 0; length < good.length; length++) {
            BundleCheck check = BundleVerifier.verify(Arrays.copyOf(good, length), BundleFixture.pins(), "r-lobby", 0);
            assertThat(check).as("cut at %d of %d bytes", length, good.length).isInstanceOf(BundleCheck.Refused.class);
            assertThat(((BundleCheck.Refused) check).reason()).as("cut at %d", length).isEqualTo(BundleRefusal.TRUNCATED);
        }
    }
}
