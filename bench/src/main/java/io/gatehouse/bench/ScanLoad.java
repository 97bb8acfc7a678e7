package io.gatehouse.bench;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator for {@code POST /api/v1/scans} (issue 3), against the real server started as a separate
 * process from {@code dist/target/gatehouse.jar} on SQLite in a temporary directory, on loopback.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.ScanLoad \
 *     [--jar dist/target/gatehouse.jar] [--rates 100,250,500,750,1000,1500,2000,3000,4000] [--seconds 12]
 *     [--warmup-rate 400] [--warmup-seconds 30]
 *     [--floor-rates 2000,4000,8000,16000,24000,32000] [--users 64] [--concurrency 256] [--server-opts "-Xmx512m"]
 *     [--keep-log]
 * </pre>
 *
 * <p>What it does, in order:
 * <ol>
 *   <li>{@code gatehouse admin token create --data DIR --name bench} (a separate JVM), then
 *       {@code gatehouse serve --port P --data DIR}; waits for {@code GET /health/live}. The server's standard
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
 *   <li>The work floor, in this JVM while the server idles: one raw P-256 verification plus one durable SQLite commit
 *       of a one-row INSERT through {@code Database.inTransaction}, with 1 and with 2 threads (2 s warm-up, 5 s
 *       measured each).</li>
 *   <li>RSS sampled every 100 ms throughout; the peak per step and overall.</li>
 * </ol>
 * Everything is bounded: each step sends at most {@code rate x seconds} requests, stops sending at twice its planned
 * duration, and waits at most 30 s for stragglers; the server process is stopped at the end (SIGTERM, then SIGKILL).
 */
public final class ScanLoad {
    private static final double SATURATED_FRACTION = 0.90;

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
    private boolean keepLog;

    private Process server;
    private volatile long rssPeakKb;
    private volatile long stepRssPeakKb;

    /** One step's outcome. */
    record Step(String target, int rate, int seconds, long sent, long unsent, long ok, long errors, long okInWindow,
            Histogram latency, long rssPeakKb, String firstError) {
        double achieved() {
            return okInWindow / (double) seconds;
        }

        boolean saturated() {
            return achieved() < SATURATED_FRACTION * rate || errors + unsent > 0.01 * (sent + unsent)
                    || latency.getValueAtPercentile(99) > 1_000_000;
        }
    }

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
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with"
                    + " ./mvnw -q -B -DskipTests package -pl dist -am");
        }
        Path data = Files.createTempDirectory("gatehouse-load-");
        StringBuilder report = new StringBuilder();
        log("machine: %d processors; load average %s; jar %s (modified %s); server JVM options %s",
                Runtime.getRuntime().availableProcessors(), loadAverage(), jar,
                Files.getLastModifiedTime(jar).toInstant(), serverOpts.isEmpty() ? "(none)" : serverOpts);
        ExecutorService callbacks = Executors.newFixedThreadPool(4, daemon("load-http"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            String token = adminToken(data);
            int port = freePort();
            URI base = URI.create("http://127.0.0.1:" + port);
            startServer(data, port);
            long pid = server.pid();
            waitLive(http, base);
            Thread sampler = startRssSampler(pid);
            Thread.sleep(3000);
            long rssIdleStart = rssKb(pid);
            log("server pid %d on %s; VmRSS idle after start %,d KiB", pid, base, rssIdleStart);

            DoorFixture.Door door = new DoorFixture(base, token).create(users, Map.of());
            Thread.sleep(3000);
            long rssIdleSetup = rssKb(pid);
            log("door set up over HTTP: %d users with one device each; VmRSS idle %,d KiB", users, rssIdleSetup);

            String authorization = "Bearer " + door.readerCredential();
            URI scans = base.resolve("/api/v1/scans");
            List<Step> scanSteps = new ArrayList<>();
            Step warmup = scanStep(http, scans, authorization, door, warmupRate, warmupSeconds);
            log("warm-up %s", line(warmup));
            for (int rate : rates) {
                Step step = scanStep(http, scans, authorization, door, rate, seconds);
                scanSteps.add(step);
                log("scans %s", line(step));
                if (step.saturated()) {
                    break;
                }
            }
            long rssAfterScans = rssKb(pid);

            URI live = base.resolve("/health/live");
            HttpRequest liveRequest = HttpRequest.newBuilder(live).timeout(Duration.ofSeconds(10)).GET().build();
            Step floorWarmup = step(http, "health", 1000, 5, i -> liveRequest, ScanLoad::isLive);
            log("floor warm-up %s", line(floorWarmup));
            List<Step> floorSteps = new ArrayList<>();
            for (int rate : floorRates) {
                Step step = step(http, "health", rate, seconds, i -> liveRequest, ScanLoad::isLive);
                floorSteps.add(step);
                log("health %s", line(step));
                if (step.saturated()) {
                    break;
                }
            }
            sampler.interrupt();
            long rssEnd = rssKb(pid);

            double[] work = workFloor(door);
            report.append(report(scanSteps, warmup, floorSteps, work, rssIdleStart, rssIdleSetup, rssAfterScans,
                    rssEnd));
        } finally {
            stopServer();
            callbacks.shutdownNow();
            if (keepLog) {
                log("server log kept in %s", data.resolve("server.log"));
            }
            try (Stream<Path> paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder())
                        .filter(p -> !keepLog || !(p.getFileName().toString().equals("server.log") || p.equals(data)))
                        .forEach(p -> p.toFile().delete());
            }
        }
        return report.toString();
    }

    // ---- The server process ---------------------------------------------------------------------------

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaBin);
        command.add("--enable-native-access=ALL-UNNAMED");
        return command;
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        // Only the command line configures the server: no GATEHOUSE_* variable of this shell leaks in.
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        return builder;
    }

    private String adminToken(Path data) throws IOException, InterruptedException {
        List<String> command = command();
        command.addAll(List.of("-jar", jar.toString(), "admin", "token", "create", "--data", data.toString(),
                "--name", "bench"));
        Process process = builder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("admin token create failed: " + new String(out, StandardCharsets.UTF_8));
        }
        String[] lines = new String(out, StandardCharsets.UTF_8).strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void startServer(Path data, int port) throws IOException {
        List<String> command = command();
        command.addAll(serverOpts);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--data", data.toString()));
        server = builder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("server.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopServer));
    }

    private void waitLive(HttpClient http, URI base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + "; see its log");
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base.resolve("/health/live"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not answer /health/live within 60 s");
    }

    private synchronized void stopServer() {
        if (server == null || !server.isAlive()) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return -1;
        }
        return -1;
    }

    private Thread startRssSampler(long pid) {
        Thread sampler = daemon("rss-sampler").newThread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long rss = rssKb(pid);
                rssPeakKb = Math.max(rssPeakKb, rss);
                stepRssPeakKb = Math.max(stepRssPeakKb, rss);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        return sampler;
    }

    // ---- Steps ----------------------------------------------------------------------------------------

    private Step scanStep(HttpClient http, URI scans, String authorization, DoorFixture.Door door, int rate,
            int duration) {
        int count = rate * duration;
        AccessProof[] proofs = Proofs.sign(door.devices(), count, Instant.now().getEpochSecond());
        HttpRequest[] requests = new HttpRequest[count];
        for (int i = 0; i < count; i++) {
            requests[i] = HttpRequest.newBuilder(scans).timeout(Duration.ofSeconds(10))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"payload\":\"" + proofs[i].toText() + "\"}"))
                    .build();
        }
        return step(http, "scans", rate, duration, i -> requests[i], ScanLoad::isGrant);
    }

    private static String isGrant(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + ": " + shorten(response.body());
        }
        return response.body().contains("\"decision\":\"grant\"") ? null : "not a grant: " + shorten(response.body());
    }

    private static String isLive(HttpResponse<String> response) {
        return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /**
     * Sends {@code rate x duration} requests, request i at {@code start + i / rate}, and measures each from that
     * scheduled time to its complete response.
     */
    private Step step(HttpClient http, String target, int rate, int duration, IntFunction<HttpRequest> requests,
            Function<HttpResponse<String>, String> check) {
        int count = rate * duration;
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong okInWindow = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        stepRssPeakKb = 0;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long windowEnd = start + TimeUnit.SECONDS.toNanos(duration);
        long sendDeadline = start + TimeUnit.SECONDS.toNanos(2L * duration);
        double interval = 1e9 / rate;
        long sent = 0;
        for (int i = 0; i < count; i++) {
            long scheduled = start + (long) (i * interval);
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            try {
                long left = sendDeadline - System.nanoTime();
                if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break; // the step has run twice its length: stop sending, count the rest as unsent
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sent++;
            HttpRequest request = requests.apply(i);
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                long end = System.nanoTime();
                latency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(120), Math.max(0, (end - scheduled) / 1000)));
                String problem = failure != null ? failure.toString() : check.apply(response);
                if (problem == null) {
                    ok.incrementAndGet();
                    if (end <= windowEnd) {
                        okInWindow.incrementAndGet();
                    }
                } else {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, problem);
                }
                inFlight.release(); // last, so that a drained step has counted every answer
            });
        }
        long unsent = count - sent;
        try {
            if (inFlight.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
                inFlight.release(concurrency);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long unfinished = sent - ok.get() - errors.get();
        return new Step(target, rate, duration, sent, unsent + unfinished, ok.get(), errors.get(), okInWindow.get(),
                latency.copy(), stepRssPeakKb, firstError.get());
    }

    private static String line(Step step) {
        Histogram h = step.latency();
        return String.format(Locale.ROOT, "%5d/s x %d s: sent %d, ok %d, errors %d, unsent/unfinished %d, achieved"
                + " %.0f/s; latency ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f; RSS peak %,d KiB%s%s", step.rate(),
                step.seconds(), step.sent(), step.ok(), step.errors(), step.unsent(), step.achieved(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, step.rssPeakKb(),
                step.saturated() ? " [saturated]" : "", step.firstError() == null ? "" : "; first error: "
                        + step.firstError());
    }

    // ---- The work floor -------------------------------------------------------------------------------

    /** Raw verify + durable SQLite commit per second, in this JVM: {1 thread, 2 threads}. */
    private double[] workFloor(DoorFixture.Door door) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-load-floor-");
        try (Database database = Database.open(ConfigLoader.load(Map.of(), Map.of("data", dir.toString())))) {
            DurableVerifyBenchmark.Server.checkDurable(database);
            database.inTransaction(tx -> tx.update(
                    "CREATE TABLE bench_commit (slot INTEGER NOT NULL, n BIGINT NOT NULL)"));
            double one = workRate(database, door, 1);
            double two = workRate(database, door, 2);
            log("work floor (raw P-256 verify + durable SQLite commit, in-process): %.0f/s with 1 thread,"
                    + " %.0f/s with 2", one, two);
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
            long rssIdleSetup, long rssAfterScans, long rssEnd) {
        StringBuilder out = new StringBuilder();
        out.append("\nHTTP scan endpoint under open-loop load (ScanLoad; SQLite; server in its own JVM; loopback)\n\n");
        out.append("| target | offered /s | sent | ok | errors | unsent/unfinished | achieved /s | p50 ms | p99 ms"
                + " | p99.9 ms | max ms | RSS peak MiB |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Step> all = new ArrayList<>();
        all.add(warmup);
        all.addAll(scanSteps);
        all.addAll(floorSteps);
        for (Step step : all) {
            Histogram h = step.latency();
            out.append(String.format(Locale.ROOT, "| %s%s | %d | %d | %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f"
                    + " | %.0f |%n", step == warmup ? "scans (warm-up)" : step.target(),
                    step.saturated() ? " (saturated)" : "", step.rate(), step.sent(), step.ok(), step.errors(),
                    step.unsent(), step.achieved(), h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0, step.rssPeakKb() / 1024.0));
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
        out.append(String.format(Locale.ROOT, "work floor (raw verify + durable SQLite commit, in-process): %.0f/s"
                + " (1 thread %.0f/s, 2 threads %.0f/s)%n", workFloor, work[0], work[1]));
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

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[scan-load %tT] %s%n", System.currentTimeMillis(),
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
