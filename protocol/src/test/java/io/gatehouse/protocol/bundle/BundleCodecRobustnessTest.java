package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Totality of {@link BundleCodec#parse} on hostile input: random edits of a valid bundle and random
 * bytes behind a valid magic never make it throw, and no edited bundle is accepted. The seed is fixed,
 * so a failure is reproducible.
 */
class BundleCodecRobustnessTest {

    private final Random random = new Random(0x6761746568L);
    private final byte[] good = new BundleFixture().encode();

    @Test
    void random_edits_never_throw_and_are_never_accepted() {
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = edit(good);
            if (Arrays.equals(bytes, good)) {
                continue;
            }
            BundleCheck check = BundleVerifier.verify(bytes, BundleFixture.pins(), "r-lobby", 0);
            assertThat(check).as("edit %d", i).isInstanceOf(BundleCheck.Refused.class);
        }
    }

    @Test
    void random_bytes_after_the_magic_never_throw() {
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[4 + random.nextInt(600)];
            random.nextBytes(bytes);
            System.arraycopy(new byte[] {'G', 'H', 'B', '1'}, 0, bytes, 0, 4);
            assertThat(BundleCodec.parse(bytes)).isInstanceOf(BundleParseResult.Malformed.class);
        }
    }

    /** One to four edits: flip bits, overwrite with an extreme value, insert, delete, duplicate a range. */
    private byte[] edit(byte[] original) {
        byte[] bytes = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 8; e++) {
            int at = random.nextInt(bytes.length - 4);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> ByteBuffer.wrap(bytes).putInt(at, random.nextBoolean() ? -1 : random.nextInt(1 << 16));
                case 2 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                case 3 -> {
                    int length = 1 + random.nextInt(Math.min(40, bytes.length - at));
                    byte[] shorter = new byte[bytes.length - length];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + length, shorter, at, bytes.length - at - length);
                    bytes = shorter;
                }
                default -> {
                    int length = 1 + random.nextInt(Math.min(40, bytes.length - at));
                    byte[] longer = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, longer, 0, at + length);
                    System.arraycopy(bytes, at, longer, at + length, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }
}
