package io.gatehouse.reader;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Prints the size of a signed reader bundle and the time to build it (encode and sign, the server's
 * side) and to accept it (parse, verify, index, the reader's side), for 10,000 and 100,000 credentials,
 * or the counts given as arguments. A plain main, without JMH, so that the benchmark module and a person
 * can run it:
 * <pre>java -cp &lt;reader test classpath&gt; io.gatehouse.reader.BundleSizeReport [COUNT…]</pre>
 * Each credential has a random 16-byte id, a UUID user id and device id, a P-256 key (91-byte SPKI) and
 * two roles; 1% of the ids are also on the revocation list; 20 rules. Times are the median of 5 runs
 * after 2 warm-up runs.
 */
public final class BundleSizeReport {

    private static final int WARM_UP = 2;
    private static final int RUNS = 5;

    private BundleSizeReport() {
    }

    /**
     * Runs the report.
     *
     * @param args credential counts; 10000 and 100000 when none are given
     */
    public static void main(String[] args) {
        int[] counts = args.length == 0 ? new int[] {10_000, 100_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        SecureRandom random = new SecureRandom();
        KeyPair serverKey = PublicKeys.generateP256(random);
        List<PublicKey> deviceKeys = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            deviceKeys.add(PublicKeys.generateP256(random).getPublic()); // reused: the SPKI size and parse cost do not depend on the key
        }
        System.out.printf("%-12s %14s %12s %16s %16s%n", "credentials", "bundle bytes", "bytes/cred", "build ms (server)",
                "accept ms (reader)");
        for (int count : counts) {
            ReaderBundle bundle = bundle(count, serverKey, deviceKeys, random);
            byte[] bytes = BundleCodec.encode(bundle, "k1", serverKey.getPrivate());
            long[] build = new long[RUNS];
            long[] accept = new long[RUNS];
            for (int run = -WARM_UP; run < RUNS; run++) {
                long start = System.nanoTime();
                bytes = BundleCodec.encode(bundle, "k1", serverKey.getPrivate());
                long built = System.nanoTime();
                BundleCheck check = BundleVerifier.verify(bytes, List.of(new TrustedKey("k1", serverKey.getPublic())), "r-1", 0);
                BundleDirectory directory = new BundleDirectory(((BundleCheck.Accepted) check).bundle());
                long accepted = System.nanoTime();
                if (directory.size() != count) {
                    throw new IllegalStateException("expected " + count + " credentials, got " + directory.size());
                }
                if (run >= 0) {
                    build[run] = built - start;
                    accept[run] = accepted - built;
                }
            }
            System.out.printf("%-12d %14d %12.1f %16.0f %16.0f%n", count, bytes.length, (double) bytes.length / count,
                    median(build) / 1e6, median(accept) / 1e6);
        }
    }

    private static ReaderBundle bundle(int count, KeyPair serverKey, List<PublicKey> keys, SecureRandom random) {
        List<CredentialView> credentials = new ArrayList<>(count);
        List<CredentialId> revoked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CredentialId id = CredentialId.random(random);
            credentials.add(new CredentialView(id, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                    keys.get(i % keys.size()), true, true, DeviceTrust.HARDWARE, Set.of("staff", "floor-" + (i % 12))));
            if (i % 100 == 0) {
                revoked.add(id);
            }
        }
        List<AccessRule> rules = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rules.add(AccessRule.forRole("hq-main", "floor-" + i, List.of()));
        }
        long now = System.currentTimeMillis() / 1000;
        DoorSettings door = new DoorSettings("door-lobby", "hq-main", ZoneId.of("Europe/Berlin"), 30, 5, true, DeviceTrust.HARDWARE);
        return new ReaderBundle(1, now, now + 86_400, "r-1", door, OfflineMode.FAIL_SECURE,
                List.of(new TrustedKey("k1", serverKey.getPublic())), credentials, revoked, rules);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
