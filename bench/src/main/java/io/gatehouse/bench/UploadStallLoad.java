package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import io.gatehouse.reader.EventJson;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.Services;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.totp.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Durable TOTP verification latency while readers upload their event queues (finding 1 of the outside review: two
 * back-to-back 500-event uploaders had taken verification from about 2,900/s to 3/s, p99 1.8 s), beside the same
 * verification without uploads, measured in the same run.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.UploadStallLoad \
 *     [--seconds 10] [--warmup-seconds 5] [--verifiers 2] [--uploaders 2] [--batches 60]
 * </pre>
 *
 * <p>One Gatehouse runs in this JVM on durable SQLite (WAL, {@code synchronous=FULL}) in a temporary directory,
 * with its HTTP server on loopback and the audit sealer running. Each of {@code --uploaders} readers is created and
 * enrolled over HTTP with its own key; its events (500 per batch, signed with that key, chained, at the reader's
 * door, for a user's real credential) are signed before the measurement so the client's signing is not measured.
 * Then, each for {@code --seconds} after a warm-up with uploads:
 * <ol>
 *   <li><b>baseline</b>: {@code --verifiers} threads verify correct TOTP codes in a closed loop through
 *       {@code TotpVerifier.verifyTotp} (each thread its own users and its own simulated time, one fresh time step
 *       per verification, as in {@link DurableVerifyBenchmark}); latency of each call into an HdrHistogram;</li>
 *   <li><b>uploading</b>: the same, while every uploader posts its next batch to
 *       {@code POST /api/v1/reader/events} as soon as the previous one was answered (it stops when its signed
 *       batches run out, and says so). Every upload must answer 200 with all 500 events accepted.</li>
 * </ol>
 * Every verification must be accepted. The report gives throughput and p50/p99/max of both phases and the ratios
 * uploading / baseline.
 */
public final class UploadStallLoad {
    static final int BATCH = 500;
    static final ClientInfo CLIENT = ClientInfo.local("bench");
    private static final ObjectMapper JSON = new ObjectMapper();

    private int seconds = 10;
    private int warmupSeconds = 5;
    private int verifiers = 2;
    private int uploaders = 2;
    private int batches = 60;

    /** One phase's outcome. */
    record Phase(String name, long verifications, Histogram latency, double seconds, long uploads, long events,
            Histogram uploadLatency) {
        double perSecond() {
            return verifications / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        UploadStallLoad load = new UploadStallLoad();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--seconds" -> load.seconds = value;
                case "--warmup-seconds" -> load.warmupSeconds = value;
                case "--verifiers" -> load.verifiers = value;
                case "--uploaders" -> load.uploaders = value;
                case "--batches" -> load.batches = value;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see the class"
                        + " comment of " + UploadStallLoad.class.getName());
            }
        }
        if (load.seconds < 1 || load.seconds > 120 || load.warmupSeconds < 0 || load.warmupSeconds > 60
                || load.verifiers < 1 || load.verifiers > DurableVerifyBenchmark.SLOTS || load.uploaders < 0
                || load.uploaders > 8 || load.batches < 1 || load.batches > 400) {
            throw new IllegalArgumentException("out of bounds: seconds 1..120, warm-up 0..60, verifiers 1.."
                    + DurableVerifyBenchmark.SLOTS + ", uploaders 0..8, batches 1..400");
        }
        System.out.println(load.run());
    }

    String run() throws Exception {
        Path data = Files.createTempDirectory("gatehouse-upload-stall-");
        PerThreadClock clock = new PerThreadClock(DurableVerifyBenchmark.START);
        try (DurableDatabase durable = DurableDatabase.open("sqlite", data)) {
            Gatehouse gatehouse = Gatehouse.start(ConfigLoader.load(Map.of(), durable.overrides()), clock);
            try {
                return measure(gatehouse, clock);
            } finally {
                gatehouse.close();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private String measure(Gatehouse gatehouse, PerThreadClock clock) throws Exception {
        Services services = gatehouse.services();
        String durability = DurableVerifyBenchmark.Server.checkDurable(services.core().database());
        URI base = gatehouse.baseUrl();
        String admin = services.auth().tokens().create("bench", Set.of(Scope.ADMIN), "cli", CLIENT).token();
        DoorFixture fixture = new DoorFixture(base, admin);
        DoorFixture.Door door = fixture.create(1, Map.of());
        List<List<DurableVerifyBenchmark.Enrolled>> users = new ArrayList<>();
        for (int slot = 0; slot < verifiers; slot++) {
            List<DurableVerifyBenchmark.Enrolled> own = new ArrayList<>();
            for (int i = 0; i < DurableVerifyBenchmark.USERS_PER_SLOT; i++) {
                own.add(DurableVerifyBenchmark.Server.enroll(services, clock, "totp-" + slot + "-" + i));
            }
            users.add(own);
        }
        List<Uploader> readers = new ArrayList<>();
        for (int i = 0; i < uploaders; i++) {
            readers.add(Uploader.enroll(fixture, door, "uploader-" + i, batches));
        }
        long[] times = new long[verifiers];
        java.util.Arrays.fill(times, clock.startMillis());
        log("SQLite (%s); %d verifier thread(s), %d uploader(s) with %d signed batches of %d each; %d processors",
                durability, verifiers, uploaders, batches, BATCH, Runtime.getRuntime().availableProcessors());
        // The warm-up runs the uploads too, so that the merge is compiled before either phase is measured.
        phase("warm-up", services, clock, users, times, readers, Math.max(1, warmupSeconds), base);
        Phase baseline = phase("baseline", services, clock, users, times, List.of(), seconds, base);
        log("%s", line(baseline));
        Phase loaded = phase("uploading", services, clock, users, times, readers, seconds, base);
        log("%s", line(loaded));
        return report(baseline, loaded);
    }

    /** A reader enrolled with its own key, and its next batches, signed in advance. */
    record Uploader(String credential, List<byte[]> bodies, AtomicLong next) {
        static Uploader enroll(DoorFixture fixture, DoorFixture.Door door, String name, int batches)
                throws IOException, InterruptedException {
            String readerId = fixture.post("/api/v1/readers", Map.of("doorId", door.doorId(), "name", name))
                    .get("id").asText();
            String token = fixture.post("/api/v1/readers/" + readerId + "/provisioning", Map.of()).get("token")
                    .asText();
            KeyPair keys = ProofSigner.generateP256(new java.security.SecureRandom());
            JsonNode enrolled = fixture.post("/api/v1/reader-enrollment", Map.of("secret",
                    token.substring(token.indexOf('.') + 1), "publicKey",
                    Base64Url.encode(PublicKeys.toSpki(keys.getPublic()))));
            List<byte[]> bodies = new ArrayList<>();
            ChainHead head = ChainHead.START;
            long time = DurableVerifyBenchmark.START.toEpochMilli();
            for (int b = 0; b < batches; b++) {
                ObjectNode body = JSON.createObjectNode();
                var events = body.putArray("events");
                for (int i = 0; i < BATCH; i++) {
                    ReaderEvent event = ReaderEvents.chain(head, readerId, new EventFields(time++, "offline",
                            "grant", null, door.devices().get(0).credentialId().toString(), door.userIds().get(0),
                            door.doorId(), time / 1000, "granted by the bench rule"), keys.getPrivate());
                    events.add(EventJson.toNode(event));
                    head = ChainHead.of(event);
                }
                bodies.add(JSON.writeValueAsBytes(body));
            }
            return new Uploader(enrolled.get("credential").asText(), bodies, new AtomicLong());
        }
    }

    private Phase phase(String name, Services services, PerThreadClock clock,
            List<List<DurableVerifyBenchmark.Enrolled>> users, long[] times, List<Uploader> readers, int phaseSeconds,
            URI base) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram uploadLatency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong verified = new AtomicLong();
        AtomicLong uploads = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (Uploader reader : readers) {
            threads.add(Thread.ofPlatform().name("bench-uploader").start(() -> {
                try {
                    while (running.get()) {
                        int index = (int) reader.next().getAndIncrement();
                        if (index >= reader.bodies().size()) {
                            log("an uploader ran out of signed batches; raise --batches");
                            return;
                        }
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                base.resolve("/api/v1/reader/events")).timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + reader.credential())
                                .POST(HttpRequest.BodyPublishers.ofByteArray(reader.bodies().get(index))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        uploadLatency.recordValue(System.nanoTime() - start);
                        JsonNode answer = JSON.readTree(response.body());
                        if (response.statusCode() != 200 || answer.path("accepted").asInt() != BATCH) {
                            throw new IllegalStateException("upload answered " + response.statusCode() + ": "
                                    + response.body().substring(0, Math.min(300, response.body().length())));
                        }
                        uploads.incrementAndGet();
                        events.addAndGet(BATCH);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (int slot = 0; slot < users.size(); slot++) {
            int own = slot;
            threads.add(Thread.ofPlatform().name("bench-verifier-" + slot).start(() -> {
                List<DurableVerifyBenchmark.Enrolled> mine = users.get(own);
                int next = 0;
                try {
                    while (running.get()) {
                        if (next == 0) {
                            times[own] += TimeUnit.SECONDS.toMillis(mine.get(0).periodSeconds());
                        }
                        DurableVerifyBenchmark.Enrolled user = mine.get(next);
                        next = (next + 1) % mine.size();
                        clock.set(times[own]);
                        String code = user.totp().codeAt(times[own] / 1000);
                        long start = System.nanoTime();
                        Verdict verdict = services.totp().verifier().verifyTotp(
                                new TotpVerifier.Verification(user.username(), code, "app:bench", CLIENT));
                        latency.recordValue(System.nanoTime() - start);
                        if (!verdict.accepted()) {
                            throw new IllegalStateException("verification of " + user.username() + " at "
                                    + Instant.ofEpochMilli(times[own]) + " was rejected: " + verdict.reason());
                        }
                        verified.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        long started = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(phaseSeconds));
        long verifiedInWindow = verified.get();
        double elapsed = (System.nanoTime() - started) / 1e9;
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(150));
        }
        if (failure.get() != null) {
            throw new IllegalStateException(name + " failed", failure.get());
        }
        return new Phase(name, verifiedInWindow, latency, elapsed, uploads.get(), events.get(), uploadLatency);
    }

    private static String line(Phase phase) {
        return String.format(Locale.ROOT, "%s: %,.0f verifications/s, p50 %s, p99 %s, max %s; %d uploads (%,d events)",
                phase.name(), phase.perSecond(), ms(phase.latency().getValueAtPercentile(50)),
                ms(phase.latency().getValueAtPercentile(99)), ms(phase.latency().getMaxValue()), phase.uploads(),
                phase.events());
    }

    static String report(Phase baseline, Phase loaded) {
        StringBuilder out = new StringBuilder();
        out.append("TOTP verification during reader uploads (UploadStallLoad; durable SQLite, in-process verifier,"
                + " uploads over HTTP)\n\n");
        out.append("| phase | verifications/s | p50 | p99 | max | uploads | events merged/s | upload p50 | upload p99 |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Phase phase : List.of(baseline, loaded)) {
            boolean any = phase.uploads() > 0;
            out.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %d | %s | %s | %s |%n", phase.name(),
                    phase.perSecond(), ms(phase.latency().getValueAtPercentile(50)),
                    ms(phase.latency().getValueAtPercentile(99)), ms(phase.latency().getMaxValue()), phase.uploads(),
                    any ? String.format(Locale.ROOT, "%,.0f", phase.events() / phase.seconds()) : "-",
                    any ? ms(phase.uploadLatency().getValueAtPercentile(50)) : "-",
                    any ? ms(phase.uploadLatency().getValueAtPercentile(99)) : "-"));
        }
        out.append("\n| ratio | value |\n|---|---:|\n");
        out.append(String.format(Locale.ROOT, "| verifications/s uploading / baseline | %.2f |%n",
                loaded.perSecond() / baseline.perSecond()));
        out.append(String.format(Locale.ROOT, "| p99 uploading / baseline | %.2f |%n",
                loaded.latency().getValueAtPercentile(99) / (double) baseline.latency().getValueAtPercentile(99)));
        return out.toString();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, nanos >= 10_000_000 ? "%.0f ms" : "%.2f ms", nanos / 1e6);
    }

    private static void log(String format, Object... args) {
        System.out.printf("[upload-stall] " + format + "%n", args);
        System.out.flush();
    }
}
