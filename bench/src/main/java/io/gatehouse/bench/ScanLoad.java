package io.gatehouse.bench;

import io.gatehouse.bench.OpenLoop.Step;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator for {@code POST /api/v1/scans} (issue 3), against the real server started as a separate
 * process from {@code dist/target/gatehouse.jar} on SQLite in a temporary directory (or, with {@code --db postgres},
 * on an embedded PostgreSQL with fsync on), on loopback.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.ScanLoad \
 *     [--jar dist/target/gatehouse.jar] [--rates 100,250,500,750,1000,1500,2000,3000,4000] [--seconds 12]
 *     [--warmup-rate 400] [--warmup-seconds 30]
 *     [--floor-rates 2000,4000,8000,16000,24000,32000] [--users 64] [--concurrency 256] [--server-opts "-Xmx512m"]
 *     [--db sqlite|postgres] [--keep-log]
 * </pre>
 *
 * <p>What it does, in order:
 * <ol>
 *   <li>{@code gatehouse serve --port P --data DIR} ({@link LoadServer}); waits for {@code GET /health/live}; then
 *       {@code gatehouse admin token create --data DIR --name bench} (a separate JVM). The server's standard
 *       output (its JSON logs, one access line per request) goes to {@code DIR/server.log}, deleted at the end with
 *       the rest of {@code DIR} unless {@code --keep-log} is given (it grows to ~200 MB).</li>
 *   <li>Resident memory ({@code VmRSS} of {@code /proc/PID/status}) idle 3 s after start; then the door setup over
 *       HTTP ({@link DoorFixture}: site, zone, door with defaults, rule for role {@code staff}, reader, users each
 *       with a device enrolled through its link with a key generated here); RSS idle again.</li>
 *   <li>A warm-up step (by default 30 s at 400 scans/s, 12,000 scans: the server's JIT needs about 10,000 scans to
 *       reach steady latency; reported, not judged); then one step per rate, each for
 *       {@code --seconds}: the proofs of a step are signed just before it (issued-at = now, fresh nonces, round-robin
 *       over the devices; valid 35 s), then request <i>i</i> is scheduled at {@code start + i / rate} and sent then,
 *       whatever happened to earlier ones (open loop), with {@code java.net.http.HttpClient} asynchronously over
 *       HTTP/1.1 and at most {@code --concurrency} requests in flight. Latency is measured from the <i>scheduled</i>
 *       send time to the full response, so a request delayed by the concurrency bound or by a stalled generator
 *       counts its wait (no coordinated omission). Every answer must be 200 with {@code "decision":"grant"};
 *       anything else counts as an error. The escalation stops after the first saturated step (completion rate
 *       below 90 % of the offered rate, more than 1 % errors, or p99 above 1 s).</li>
 *   <li>The HTTP floor: the same generator, client and server against {@code GET /health/live} (no database, no
 *       crypto) at rising rates until it saturates.</li>
 *   <li>The work floor, in this JVM while the server idles: one raw P-256 verification plus one durable commit of a
 *       one-row INSERT through {@code Database.inTransaction} (a fresh SQLite file, or the server's PostgreSQL),
 *       with 1 and with 2 threads (2 s warm-up, 5 s measured each).</li>
 *   <li>Around each scan step, the server's group-commit counters from {@code /metrics} (commits, i.e. fsyncs, per
 *       second and decisions per commit; PostgreSQL commits each decision on its own) and its CPU time per scan
 *       ({@code /proc/PID/stat}).</li>
 *   <li>RSS sampled every 100 ms throughout; the peak per step and overall.</li>
 * </ol>
 * Everything is bounded: each step ({@link OpenLoop}) sends at most {@code rate x seconds} requests, stops sending at
 * twice its planned duration, and waits at most 30 s for stragglers; the server process is stopped at the end
 * (SIGTERM, then SIGKILL).
 */
public final class ScanLoad {
    private String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private Path jar = Path.of("dist/target/gatehouse.jar");
    private int[] rates = {100, 250, 500, 750, 1000, 1500, 2000, 3000, 4000};
    private int[] floorRates = {2000, 4000, 8000, 16000, 24000, 32000};
    private int seconds = 12;
    private int warmupRate = 400;
    private int warmupSeconds = 30;
    private int users = 64;
    private int concurrency = 256;
    private List<String> serverOpts = List.of();
    private String db = "sqlite";
    private boolean keepLog;
    private LoadServer server;
    private URI base;
    private HttpClient http;

    private OpenLoop loop;

    public static void main(String[] args) throws Exception {
        ScanLoad load = new ScanLoad();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jar" -> load.jar = Path.of(value);
                case "--java" -> load.javaBin = value;
                case "--rates" -> load.rates = ints(value);
                case "--floor-rates" -> load.floorRates = ints(value);
                case "--seconds" -> load.seconds = Integer.parseInt(value);
                case "--warmup-rate" -> load.warmupRate = Integer.parseInt(value);
                case "--warmup-seconds" -> load.warmupSeconds = Integer.parseInt(value);
                case "--users" -> load.users = Integer.parseInt(value);
                case "--concurrency" -> load.concurrency = Integer.parseInt(value);
                case "--server-opts" -> load.serverOpts = List.of(value.trim().split("\\s+"));
                case "--db" -> load.db = value;
                case "--keep-log" -> {
                    load.keepLog = true;
                    i--; // a flag without a value
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see the class"
                        + " comment of " + ScanLoad.class.getName());
            }
            i++;
        }
        if (load.seconds < 1 || load.seconds > 60 || load.warmupSeconds < 1 || load.warmupSeconds > 120
                || load.warmupRate < 1 || load.warmupRate > 5000 || load.users < 1 || load.users > 1000
                || load.concurrency < 1 || load.concurrency > 4096
                || Arrays.stream(load.rates).anyMatch(r -> r < 1 || r > 50_000)
                || Arrays.stream(load.floorRates).anyMatch(r -> r < 1 || r > 100_000)) {
            throw new IllegalArgumentException("out of bounds: seconds 1..60, warm-up 1..120 s at 1..5000/s,"
                    + " users 1..1000, concurrency 1..4096, rates 1..50000 (floor 1..100000)");
        }
        System.out.println(load.run());
    }

    private static int[] ints(String text) {
        return Arrays.stream(text.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    String run() throws Exception {
        LoadServer.requireJar(jar);
        Path data = Files.createTempDirectory("gatehouse-load-");
        StringBuilder report = new StringBuilder();
        log("machine: %d processors; load average %s; jar %s (modified %s); server JVM options %s",
                Runtime.getRuntime().availableProcessors(), LoadServer.loadAverage(), jar,
                Files.getLastModifiedTime(jar).toInstant(), serverOpts.isEmpty() ? "(none)" : serverOpts);
        ExecutorService callbacks = Executors.newFixedThreadPool(4, LoadServer.daemon("load-http"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
        DurableDatabase database = DurableDatabase.open(db, data);
        server = new LoadServer(javaBin, jar, serverOpts, data, LoadServer.environmentOf(database));
        try {
            base = server.start(http);
            String token = server.adminToken();
            long pid = server.pid();
            loop = new OpenLoop(http, concurrency, server);
            Thread.sleep(3000);
            long rssIdleStart = server.rssKb();
            log("server pid %d on %s; database %s; VmRSS idle after start %,d KiB", pid, base, db, rssIdleStart);

            DoorFixture.Door door = new DoorFixture(base, token).create(users, Map.of());
            Thread.sleep(3000);
            long rssIdleSetup = server.rssKb();
            log("door set up over HTTP: %d users with one device each; VmRSS idle %,d KiB", users, rssIdleSetup);

            String authorization = "Bearer " + door.readerCredential();
            URI scans = base.resolve("/api/v1/scans");
            List<Step> scanSteps = new ArrayList<>();
            Step warmup = scanStep(scans, authorization, door, warmupRate, warmupSeconds);
            log("warm-up %s; %s", warmup.line(), commitNotes.get(warmup));
            for (int rate : rates) {
                Step step = scanStep(scans, authorization, door, rate, seconds);
                scanSteps.add(step);
                log("scans %s; %s", step.line(), commitNotes.get(step));
                if (step.saturated()) {
                    break;
                }
            }
            long rssAfterScans = server.rssKb();

            URI live = base.resolve("/health/live");
            HttpRequest liveRequest = HttpRequest.newBuilder(live).timeout(Duration.ofSeconds(10)).GET().build();
            Step floorWarmup = loop.step("health", 1000, 5, i -> liveRequest, ScanLoad::isLive);
            log("floor warm-up %s", floorWarmup.line());
            List<Step> floorSteps = new ArrayList<>();
            for (int rate : floorRates) {
                Step step = loop.step("health", rate, seconds, i -> liveRequest, ScanLoad::isLive);
                floorSteps.add(step);
                log("health %s", step.line());
                if (step.saturated()) {
                    break;
                }
            }
            server.stopSampling();
            long rssEnd = server.rssKb();

            double[] work = workFloor(door, database);
            report.append(report(scanSteps, warmup, floorSteps, work, rssIdleStart, rssIdleSetup, rssAfterScans,
                    rssEnd, server.rssPeakKb()));
        } finally {
            server.close();
            database.close();
            callbacks.shutdownNow();
            if (keepLog) {
                log("server log kept in %s", data.resolve("server.log"));
            }
            LoadServer.delete(data, keepLog);
        }
        return report.toString();
    }

    private Step scanStep(URI scans, String authorization, DoorFixture.Door door, int rate,
            int duration) throws java.io.IOException, InterruptedException {
        int count = rate * duration;
        AccessProof[] proofs = Proofs.sign(door.devices(), count, Instant.now().getEpochSecond());
        HttpRequest[] requests = new HttpRequest[count];
        for (int i = 0; i < count; i++) {
            requests[i] = HttpRequest.newBuilder(scans).timeout(Duration.ofSeconds(10))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"payload\":\"" + proofs[i].toText() + "\"}"))
                    .build();
        }
        LoadServer.Commits before = LoadServer.commits(http, base);
        long cpu = server.cpuMillis();
        Step step = loop.step("scans", rate, duration, i -> requests[i], ScanLoad::isGrant);
        commitNotes.put(step, before.between(LoadServer.commits(http, base), duration) + "; "
                + LoadServer.cpuPer(server.cpuMillis() - cpu, step.ok(), "scan"));
        return step;
    }

    /** Per scan step: commits (fsyncs) per second, decisions per commit, and the server's CPU per scan. */
    private final Map<Step, String> commitNotes = new java.util.IdentityHashMap<>();

    private static String isGrant(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + ": " + OpenLoop.shorten(response.body());
        }
        return response.body().contains("\"decision\":\"grant\"") ? null
                : "not a grant: " + OpenLoop.shorten(response.body());
    }

    private static String isLive(HttpResponse<String> response) {
        return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
    }

    // ---- The work floor -------------------------------------------------------------------------------

    /**
     * Raw verify + durable commit per second, in this JVM: {1 thread, 2 threads}; on a fresh SQLite file, or on the
     * server's PostgreSQL (its own table).
     */
    private double[] workFloor(DoorFixture.Door door, DurableDatabase serverDatabase) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-load-floor-");
        Map<String, String> overrides = new java.util.HashMap<>(serverDatabase.overrides());
        overrides.put("data", dir.toString());
        try (Database database = Database.open(ConfigLoader.load(Map.of(), overrides))) {
            DurableVerifyBenchmark.Server.checkDurable(database);
            database.inTransaction(tx -> tx.update(
                    "CREATE TABLE bench_commit (slot INTEGER NOT NULL, n BIGINT NOT NULL)"));
            double one = workRate(database, door, 1);
            double two = workRate(database, door, 2);
            log("work floor (raw P-256 verify + durable %s commit, in-process): %.0f/s with 1 thread,"
                    + " %.0f/s with 2", db, one, two);
            return new double[] {one, two};
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double workRate(Database database, DoorFixture.Door door, int threads) throws InterruptedException {
        long now = Instant.now().getEpochSecond();
        AtomicLong done = new AtomicLong();
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(5);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Proofs.Device device = door.devices().get(t);
            Proofs.RawVerify raw = new Proofs.RawVerify(device.keys().getPublic(), device.sign(now));
            int slot = t;
            Thread worker = new Thread(() -> {
                long n = 0;
                long nowNanos;
                while ((nowNanos = System.nanoTime()) < end) {
                    if (!raw.verify()) {
                        throw new IllegalStateException("raw verification failed");
                    }
                    long row = ++n;
                    database.inTransaction(tx -> tx.update("INSERT INTO bench_commit (slot, n) VALUES (?, ?)",
                            slot, row));
                    if (nowNanos >= warmEnd) {
                        done.incrementAndGet();
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        return done.get() / 5.0;
    }

    // ---- The report -----------------------------------------------------------------------------------

    private String report(List<Step> scanSteps, Step warmup, List<Step> floorSteps, double[] work, long rssIdleStart,
            long rssIdleSetup, long rssAfterScans, long rssEnd, long rssPeakKb) {
        StringBuilder out = new StringBuilder();
        out.append("\nHTTP scan endpoint under open-loop load (ScanLoad; " + db + "; server in its own JVM; loopback)\n\n");
        out.append("| target | offered /s | sent | ok | errors | unsent/unfinished | achieved /s | p50 ms | p99 ms"
                + " | p99.9 ms | max ms | RSS peak MiB | commits |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<Step> all = new ArrayList<>();
        all.add(warmup);
        all.addAll(scanSteps);
        all.addAll(floorSteps);
        for (Step step : all) {
            Histogram h = step.latency();
            out.append(String.format(Locale.ROOT, "| %s%s | %d | %d | %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f"
                    + " | %.0f | %s |%n", step == warmup ? "scans (warm-up)" : step.target(),
                    step.saturated() ? " (saturated)" : "", step.rate(), step.sent(), step.ok(), step.errors(),
                    step.unsent(), step.achieved(), h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0, step.rssPeakKb() / 1024.0, commitNotes.getOrDefault(step, "")));
        }
        double scanSaturation = scanSteps.stream().mapToDouble(Step::achieved).max().orElse(0);
        double httpFloor = floorSteps.stream().mapToDouble(Step::achieved).max().orElse(0);
        boolean floorReached = floorSteps.stream().anyMatch(Step::saturated);
        double workFloor = Math.max(work[0], work[1]);
        double floor = Math.min(httpFloor, workFloor);
        Step at500 = scanSteps.stream().filter(s -> s.rate() == 500).findFirst().orElse(null);
        boolean reached = scanSteps.stream().anyMatch(Step::saturated);
        out.append(String.format(Locale.ROOT, "%nsaturation (highest completion rate of any scan step): %.0f"
                + " scans/s%s%n", scanSaturation, reached ? "" : " (no step saturated: a lower bound)"));
        out.append(String.format(Locale.ROOT, "HTTP floor (GET /health/live, same generator and server): %.0f/s%s%n",
                httpFloor, floorReached ? "" : " (no step saturated: a lower bound)"));
        out.append(String.format(Locale.ROOT, "work floor (raw verify + durable %s commit, in-process): %.0f/s"
                + " (1 thread %.0f/s, 2 threads %.0f/s)%n", db, workFloor, work[0], work[1]));
        out.append(String.format(Locale.ROOT, "resident memory: idle after start %.0f MiB, idle after setup %.0f MiB,"
                + " peak under load %.0f MiB, after the scan steps %.0f MiB, at the end %.0f MiB%n%n",
                rssIdleStart / 1024.0, rssIdleSetup / 1024.0, rssPeakKb / 1024.0, rssAfterScans / 1024.0,
                rssEnd / 1024.0));
        out.append("| target | value | required | met |\n|---|---:|---|---|\n");
        if (at500 != null) {
            double p99 = at500.latency().getValueAtPercentile(99) / 1000.0;
            out.append(String.format(Locale.ROOT, "| p99 at 500 scans/s | %.2f ms (errors %d) | <= 10 ms, no errors"
                    + " | %s |%n", p99, at500.errors() + at500.unsent(), p99 <= 10 && at500.errors() + at500.unsent()
                    == 0 ? "yes" : "NO"));
        }
        boolean met = scanSaturation / floor >= 0.6;
        out.append(String.format(Locale.ROOT, "| saturation / min(HTTP floor, work floor) | %.2f | >= 0.60 | %s |%n",
                scanSaturation / floor, met ? "yes" : reached ? "NO" : "unknown (no scan step saturated)"));
        out.append(String.format(Locale.ROOT, "| saturation / HTTP floor | %.2f | (information) | |%n",
                scanSaturation / httpFloor));
        out.append(String.format(Locale.ROOT, "| saturation / work floor | %.2f | (information) | |%n",
                scanSaturation / workFloor));
        out.append(String.format(Locale.ROOT, "| saturation / serial floor 1/(1/HTTP + 1/work) = %.0f/s | %.2f |"
                + " (information) | |%n", 1 / (1 / httpFloor + 1 / workFloor),
                scanSaturation * (1 / httpFloor + 1 / workFloor)));
        return out.toString();
    }

    // ---- Small things ---------------------------------------------------------------------------------

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[scan-load %tT] %s%n", System.currentTimeMillis(),
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
