package io.gatehouse.bench;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.common.ClientInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reader bundles of 10,000 and 100,000 credentials (issue 4): time to encode and sign, to parse and verify, to index,
 * and for the server to build one from its database; beside the floor of signing / verifying the same bytes.
 *
 * <ul>
 *   <li>{@code encode_sign}: {@link BundleCodec#encode}{@code (bundle, keyId, privateKey)} of a {@link ReaderBundle}
 *       built beforehand ({@link Bundles}: distinct P-256 keys, 1 % revoked).</li>
 *   <li>{@code floor_sign}: one P-256 signature over the label and the same number of bytes (SHA-256 over the whole
 *       bundle + one ECDSA signature): the part of {@code encode_sign} that is not serialisation.</li>
 *   <li>{@code parse_verify}: {@link BundleVerifier#verify}{@code (bytes, pinned keys, reader id, 0)}: parse (every
 *       public key decoded and checked), pinned key, signature, version, reader; must accept.</li>
 *   <li>{@code floor_verify}: one P-256 verification over the label and the same bytes.</li>
 *   <li>{@code index}: {@code new BundleDirectory(bundle)}, what the reader does next with an accepted bundle.</li>
 *   <li>{@code server_build_sqlite}: {@code ReaderSync.bundle(reader)} on SQLite holding as many users, each with one
 *       device, all of role {@code staff}, which a rule grants the reader's zone: one transaction that bumps the
 *       bundle version, reads the door, the rules, the users' roles and the devices, builds the bundle and encodes
 *       and signs it with the server's bundle key. The rows are inserted directly with multi-row INSERTs in a few
 *       transactions (enrolling 100,000 devices through HTTP would take far longer than the benchmark), with the
 *       same id formats, public keys and columns as real enrollments; site, zone, door, rule and reader come
 *       through the admin API.</li>
 * </ul>
 *
 * Average time per operation, milliseconds. The sizes in bytes are printed by the setup (and by {@code RunAll}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Threads(1)
public class BundleBenchmark {

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Codec {
        @Param({"10000", "100000"})
        public int credentials;

        KeyPair bundleKey;
        ReaderBundle bundle;
        byte[] bytes;
        List<TrustedKey> pinned;
        Signature signer;
        Signature verifier;
        byte[] signature;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            bundleKey = Proofs.newKeyPair();
            bundle = Bundles.bundle(List.of(), Proofs.publicKeys(credentials), bundleKey);
            bytes = BundleCodec.encode(bundle, Bundles.KEY_ID, bundleKey.getPrivate());
            pinned = bundle.trustedKeys();
            Proofs.require(bytes.length == Bundles.size(credentials), "the size computed by RunAll is exact");
            Proofs.require(BundleVerifier.verify(bytes, pinned, Bundles.READER_ID, 0) instanceof BundleCheck.Accepted,
                    "the bundle is accepted");
            signer = Signature.getInstance(Proofs.ALGORITHM);
            signer.initSign(bundleKey.getPrivate());
            verifier = Signature.getInstance(Proofs.ALGORITHM);
            verifier.initVerify(bundleKey.getPublic());
            signer.update(BundleCodec.DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII));
            signer.update(bytes, 0, bytes.length - BundleCodec.SIGNATURE_LENGTH);
            signature = signer.sign();
            System.out.printf("%n[gatehouse-bench] bundle of %,d credentials: %,d bytes (%.1f per credential),"
                    + " gzip %,d bytes%n", credentials, bytes.length, (double) bytes.length / credentials,
                    Bundles.gzipSize(bytes));
        }
    }

    /** A real server on SQLite with {@code credentials} users and devices inserted in bulk. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class ServerSide {
        @Param({"10000", "100000"})
        public int credentials;

        Path dataDir;
        Gatehouse gatehouse;
        Readers.Reader reader;

        @Setup(Level.Trial)
        public void open() throws IOException, InterruptedException {
            dataDir = Files.createTempDirectory("gatehouse-bench-bundle-");
            gatehouse = Gatehouse.start(ConfigLoader.load(Map.of(), Map.of("data", dataDir.toString(), "port", "0",
                    "bind", "127.0.0.1")), Clock.systemUTC());
            ClientInfo client = ClientInfo.local("bench");
            String token = gatehouse.services().auth().tokens().create("bench-admin", EnumSet.of(Scope.ADMIN), "bench",
                    client).token();
            DoorFixture.Door door = new DoorFixture(gatehouse.baseUrl(), token).create(0, Map.of());
            reader = new Readers.Reader(door.readerId(), door.doorId(), door.readerName(), 0);
            long started = System.nanoTime();
            insert(gatehouse.services().core().database(), Proofs.publicKeys(credentials));
            byte[] built = gatehouse.services().reader().sync().bundle(reader, java.util.OptionalLong.empty());
            System.out.printf("%n[gatehouse-bench] SQLite: %,d users and devices inserted in %.1f s; the server's"
                    + " bundle: %,d bytes, gzip %,d bytes%n", credentials, (System.nanoTime() - started) / 1e9,
                    built.length, Bundles.gzipSize(built));
        }

        /** Users (role staff) with one device each, 1 % revoked, as enrollments would leave them; 100 per INSERT. */
        private void insert(Database database, List<PublicKey> keys) {
            SecureRandom random = new SecureRandom();
            long now = System.currentTimeMillis();
            int batch = 100;
            for (int from = 0; from < keys.size(); from += 5000) {
                int to = Math.min(keys.size(), from + 5000);
                int start = from;
                database.inTransaction(tx -> {
                    for (int i = start; i < to; i += batch) {
                        int n = Math.min(batch, to - i);
                        List<Object> users = new ArrayList<>();
                        List<Object> roles = new ArrayList<>();
                        List<Object> devices = new ArrayList<>();
                        for (int j = i; j < i + n; j++) {
                            String userId = Ids.newId(random, "usr");
                            users.addAll(List.of(userId, "bulk-user-" + j, "bulk-user-" + j, "active", now, now));
                            roles.addAll(List.of(userId, "staff"));
                            devices.addAll(List.of(Ids.newId(random, "dev"), userId,
                                    CredentialId.random(random).toString(), PublicKeys.toSpki(keys.get(j)), "software",
                                    "Pixel 8", "Android 15", "1.0.0", j % 100 == 99 ? "revoked" : "active", now));
                        }
                        tx.update("INSERT INTO users (id, username, username_key, status, created_at, updated_at)"
                                + " VALUES " + values(6, n), users.toArray());
                        tx.update("INSERT INTO user_roles (user_id, role) VALUES " + values(2, n), roles.toArray());
                        tx.update("INSERT INTO devices (id, user_id, credential_id, public_key, trust, model, os,"
                                + " app_version, status, created_at) VALUES " + values(10, n), devices.toArray());
                    }
                    return null;
                });
            }
        }

        private static String values(int columns, int rows) {
            String row = "(" + "?, ".repeat(columns - 1) + "?)";
            return String.join(", ", java.util.Collections.nCopies(rows, row));
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            gatehouse.close();
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Benchmark
    public byte[] encode_sign(Codec codec) {
        return BundleCodec.encode(codec.bundle, Bundles.KEY_ID, codec.bundleKey.getPrivate());
    }

    @Benchmark
    public byte[] floor_sign(Codec codec) throws GeneralSecurityException {
        codec.signer.update(BundleCodec.DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII));
        codec.signer.update(codec.bytes, 0, codec.bytes.length - BundleCodec.SIGNATURE_LENGTH);
        return codec.signer.sign();
    }

    @Benchmark
    public BundleCheck parse_verify(Codec codec) {
        BundleCheck check = BundleVerifier.verify(codec.bytes, codec.pinned, Bundles.READER_ID, 0);
        if (!(check instanceof BundleCheck.Accepted)) {
            throw new IllegalStateException("the bundle was refused: " + check);
        }
        return check;
    }

    @Benchmark
    public boolean floor_verify(Codec codec) throws GeneralSecurityException {
        codec.verifier.update(BundleCodec.DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII));
        codec.verifier.update(codec.bytes, 0, codec.bytes.length - BundleCodec.SIGNATURE_LENGTH);
        if (!codec.verifier.verify(codec.signature)) {
            throw new IllegalStateException("the floor's signature does not verify");
        }
        return true;
    }

    @Benchmark
    public BundleDirectory index(Codec codec) {
        return new BundleDirectory(codec.bundle);
    }

    @Benchmark
    public byte[] server_build_sqlite(ServerSide server) {
        return server.gatehouse.services().reader().sync().bundle(server.reader, java.util.OptionalLong.empty());
    }
}
