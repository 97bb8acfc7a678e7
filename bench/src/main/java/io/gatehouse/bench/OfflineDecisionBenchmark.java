package io.gatehouse.bench;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.reader.Diagnostics;
import io.gatehouse.reader.EventQueue;
import io.gatehouse.reader.ReplayCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Offline decisions on the door reader (issue 4) against the raw signature-verification floor, in the same run.
 *
 * <p>The reader's view: a bundle of {@value #CREDENTIALS} credentials (distinct P-256 keys, 1 % revoked) encoded and
 * signed with {@link BundleCodec#encode}, accepted by {@link BundleVerifier#verify}, indexed by
 * {@link BundleDirectory} (the credential directory and the rule source of {@link AccessVerifier}).
 *
 * <ul>
 *   <li>{@code offline_decide}: {@code AccessVerifier.decide(text, context)} against the bundle with an in-memory
 *       replay set (cleared when the 4096 proofs start over): the decision without any I/O.</li>
 *   <li>{@code offline_decide_durable}: what the reader does for an offline scan
 *       ({@code ReaderAgent.decideOffline} and {@code record}), minus printing and the door driver: the decision
 *       with the reader's persisted {@link ReplayCache} (one line appended and forced per grant), then
 *       {@link EventQueue#append} of the decision (hash-chained, signed with the reader's P-256 key, one line
 *       appended and forced). Every proof is fresh (signed before the iteration); anything but a grant fails the
 *       run.</li>
 *   <li>{@code floor_raw_verify}: one P-256 verification on a ready {@code Signature} (as in
 *       {@link ProofVerifyBenchmark}). The floor of {@code offline_decide}.</li>
 *   <li>{@code floor_fsync}: one {@code write} of a line as long as an event line and {@code FileChannel.force(false)}
 *       in the same directory: one durable append, the floor the brief names for the durable variant.</li>
 *   <li>{@code floor_durable_minimum}: what the durable variant cannot avoid by its design: one raw verification,
 *       one raw P-256 signature (the event's), and two durable appends (replay record, event) to two files.</li>
 * </ul>
 *
 * The reader's clock is fixed at {@link Bundles#NOW} (proofs are issued 3 s before), so records never expire during
 * the run: the replay cache holds every proof of the fork (well under its 200,000 bound).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class OfflineDecisionBenchmark {
    static final int CREDENTIALS = 10_000;
    static final int HOLDERS = 16;
    static final int PROOFS = 4096;
    static final long ISSUED_AT = Bundles.NOW - 3;

    /** The reader with its accepted bundle. */
    @State(Scope.Benchmark)
    public static class Reader {
        final AccessVerifier verifier = new AccessVerifier();
        final Clock clock = Clock.fixed(Instant.ofEpochSecond(Bundles.NOW), ZoneOffset.UTC);
        List<Proofs.Device> holders;
        BundleDirectory directory;
        int bundleBytes;

        @Setup(Level.Trial)
        public void setUp() {
            holders = new ArrayList<>();
            for (int i = 0; i < HOLDERS; i++) {
                holders.add(new Proofs.Device(CredentialId.random(Proofs.RANDOM), Proofs.newKeyPair()));
            }
            KeyPair bundleKey = Proofs.newKeyPair();
            ReaderBundle bundle = Bundles.bundle(holders, Proofs.publicKeys(CREDENTIALS - HOLDERS), bundleKey);
            byte[] bytes = BundleCodec.encode(bundle, Bundles.KEY_ID, bundleKey.getPrivate());
            bundleBytes = bytes.length;
            BundleCheck check = BundleVerifier.verify(bytes, bundle.trustedKeys(), Bundles.READER_ID, 0);
            if (!(check instanceof BundleCheck.Accepted accepted)) {
                throw new IllegalStateException("the bundle was refused: " + check);
            }
            directory = new BundleDirectory(accepted.bundle());
            Proofs.require(directory.size() == CREDENTIALS, "the directory holds every credential");
        }

        Decision decide(String text, io.gatehouse.protocol.access.ReplayGuard replay) {
            return verifier.decide(text, new AccessContext(directory.doorSettings(), Bundles.NOW, directory, replay,
                    directory));
        }
    }

    /** A fixed set of proofs, cycled, with an in-memory replay set. */
    @State(Scope.Thread)
    public static class InMemory {
        final Proofs.MemoryReplay replay = new Proofs.MemoryReplay();
        String[] texts;
        Proofs.RawVerify[] raw;
        int next;

        @Setup(Level.Trial)
        public void setUp(Reader reader) {
            AccessProof[] proofs = Proofs.sign(reader.holders, PROOFS, ISSUED_AT);
            texts = Proofs.texts(proofs);
            raw = new Proofs.RawVerify[PROOFS];
            for (int i = 0; i < PROOFS; i++) {
                raw[i] = new Proofs.RawVerify(reader.holders.get(i % HOLDERS).keys().getPublic(), proofs[i]);
                Proofs.require(reader.decide(texts[i], replay).granted(), "a fresh proof is granted offline");
            }
            replay.clear();
        }

        int advance() {
            int i = next;
            next = i + 1 == PROOFS ? 0 : i + 1;
            return i;
        }
    }

    /** The reader's state directory: its replay cache and its event queue, on the same disk as java.io.tmpdir. */
    @State(Scope.Benchmark)
    public static class Durable {
        Path dir;
        ReplayCache replay;
        EventQueue queue;
        KeyPair readerKey;
        long decisions;
        // Floors.
        FileChannel eventFile;
        FileChannel replayFile;
        byte[] eventLine;
        byte[] replayLine;
        Signature eventSigner;
        long floorWrites;

        @Setup(Level.Trial)
        public void open(Reader reader) throws IOException, GeneralSecurityException {
            dir = Files.createTempDirectory("gatehouse-bench-reader-");
            Diagnostics quiet = new Diagnostics(new PrintWriter(Writer.nullWriter()), reader.clock);
            replay = ReplayCache.open(dir.resolve("replay.log"), reader.clock, quiet);
            queue = EventQueue.open(dir.resolve("events.jsonl"), dir.resolve("events.acked"), quiet);
            readerKey = Proofs.newKeyPair();

            // One real event, to size the floor's lines like the real ones.
            String probe = reader.holders.get(0).sign(ISSUED_AT).toText();
            Decision first = reader.decide(probe, replay);
            Decision again = reader.decide(probe, replay);
            Proofs.require(first.granted() && !again.granted() && again.reason().code().equals("replayed"),
                    "the replay cache grants a fresh proof once");
            ReaderEvent event = record(first);
            eventLine = new byte[(io.gatehouse.reader.EventJson.toLine(event) + "\n")
                    .getBytes(StandardCharsets.UTF_8).length];
            replayLine = new byte[(CredentialId.TEXT_LENGTH + 1 + 16 + 1 + 10 + 1)];
            java.util.Arrays.fill(eventLine, (byte) 'e');
            java.util.Arrays.fill(replayLine, (byte) 'r');
            eventLine[eventLine.length - 1] = '\n';
            replayLine[replayLine.length - 1] = '\n';
            eventFile = FileChannel.open(dir.resolve("floor-events"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            replayFile = FileChannel.open(dir.resolve("floor-replay"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            eventSigner = Signature.getInstance(Proofs.ALGORITHM);
            eventSigner.initSign(readerKey.getPrivate());
        }

        ReaderEvent record(Decision decision) {
            CredentialView credential = decision.credential().orElseThrow();
            AccessProof proof = decision.proof().orElseThrow();
            EventFields fields = new EventFields(Bundles.NOW * 1000, ReaderEvent.OFFLINE, ReaderEvent.GRANT, null,
                    proof.credentialId().toString(), credential.userId(), Bundles.DOOR.doorId(),
                    proof.issuedAtEpochSecond(), decision.detail());
            decisions++;
            return queue.append(Bundles.READER_ID, fields, readerKey.getPrivate());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            try {
                long events = queue.readFile().size();
                System.out.printf("%n[gatehouse-bench] reader state: %d offline grants recorded, %d events in the"
                        + " queue file, %d live replay records%n", decisions, events, replay.size());
                if (events != decisions || replay.size() != decisions) {
                    throw new IllegalStateException("the reader's files do not hold what the benchmark recorded");
                }
            } finally {
                queue.close();
                replay.close();
                eventFile.close();
                replayFile.close();
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** Fresh proofs for {@code offline_decide_durable}, signed before each iteration (not for the floors). */
    @State(Scope.Benchmark)
    public static class Supply {
        final Proofs.Pool pool = new Proofs.Pool();

        @Setup(Level.Iteration)
        public void refill(Reader reader) {
            pool.refill(reader.holders, 6000, ISSUED_AT);
        }
    }

    @Benchmark
    public Decision offline_decide(Reader reader, InMemory state) {
        int i = state.advance();
        if (i == 0) {
            state.replay.clear();
        }
        Decision decision = reader.decide(state.texts[i], state.replay);
        if (!decision.granted()) {
            throw new IllegalStateException("proof " + i + " was denied offline: " + decision.reason());
        }
        return decision;
    }

    @Benchmark
    public ReaderEvent offline_decide_durable(Reader reader, Durable durable, Supply supply) {
        Decision decision = reader.decide(supply.pool.next(), durable.replay);
        if (!decision.granted()) {
            throw new IllegalStateException("a fresh proof was denied offline: " + decision.reason());
        }
        return durable.record(decision);
    }

    @Benchmark
    public boolean floor_raw_verify(InMemory state) {
        return state.raw[state.advance()].verify();
    }

    @Benchmark
    public long floor_fsync(Durable durable) throws IOException {
        return append(durable.eventFile, durable.eventLine);
    }

    @Benchmark
    public long floor_durable_minimum(InMemory state, Durable durable) throws IOException,
            GeneralSecurityException {
        if (!state.raw[state.advance()].verify()) {
            throw new IllegalStateException("the raw verification failed");
        }
        long written = append(durable.replayFile, durable.replayLine);
        durable.eventSigner.update(durable.eventLine, 0, 32);
        byte[] signature = durable.eventSigner.sign();
        return written + append(durable.eventFile, durable.eventLine) + signature.length;
    }

    private static long append(FileChannel channel, byte[] line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        long written = 0;
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        channel.force(false);
        return written;
    }
}
