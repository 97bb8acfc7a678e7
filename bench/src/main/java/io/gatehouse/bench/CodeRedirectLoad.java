package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Redirects per second at {@code /q/{handle}} (issue 12): every redirect looks the code up, classifies the user
 * agent, counts the use and writes the scan row in one group-commit decision, durable before the answer. Beside it,
 * in the same run and with the same clients: two floors that do no database work, Gatehouse's own
 * {@code /health/live} (the same server, its HTTP stack and filters) and a static 302 served by a bare Javalin in this
 * process (the HTTP stack alone; it exists only here, never in Gatehouse).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.CodeRedirectLoad \
 *     [--jar dist/target/gatehouse.jar] [--clients 16] [--seconds 10] [--warmup-seconds 5] [--server-opts "-Xmx512m"]
 * </pre>
 *
 * The server runs as its own process on SQLite ({@link LoadServer}). Each phase is a closed loop: {@code --clients}
 * threads, each sending one request and waiting for its answer. At the end the code's scan summary must count every
 * redirect sent, or the run fails. Last, while the server idles, the durable group-commit rate of the same file
 * system (one-row decisions), which bounds what any recorded redirect can reach.
 */
public final class CodeRedirectLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private Path jar = Path.of("dist/target/gatehouse.jar");
    private int clients = 16;
    private int seconds = 10;
    private int warmupSeconds = 5;
    private List<String> serverOpts = List.of();
    /** Redirects answered while warming up: the scan summary must count them too. */
    private final AtomicLong warmupCount = new AtomicLong();

    /** One closed-loop phase. */
    record Phase(String target, double seconds, long ok, long errors, Histogram latency, String firstError) {
        double perSecond() {
            return ok / seconds;
        }

        String line() {
            return String.format(Locale.ROOT, "%-28s %8.0f/s  ok %d, errors %d; latency ms p50 %.2f p99 %.2f max %.2f%s",
                    target, perSecond(), ok, errors, latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0,
                    firstError == null ? "" : "; first error: " + firstError);
        }
    }

    public static void main(String[] args) throws Exception {
        CodeRedirectLoad load = new CodeRedirectLoad();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> load.jar = Path.of(args[++i]);
                case "--clients" -> load.clients = Integer.parseInt(args[++i]);
                case "--seconds" -> load.seconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> load.warmupSeconds = Integer.parseInt(args[++i]);
                case "--server-opts" -> load.serverOpts = List.of(args[++i].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.print(load.run());
    }

    String run() throws Exception {
        LoadServer.requireJar(jar);
        Path data = Files.createTempDirectory("gatehouse-code-redirects-");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newFixedThreadPool(clients, LoadServer.daemon("client"))).build();
        StringBuilder report = new StringBuilder();
        Javalin floor = Javalin.create(config -> config.showJavalinBanner = false)
                .get("/q/{handle}", ctx -> ctx.header("Location", "https://example.com/").status(302))
                .start("127.0.0.1", 0);
        try (LoadServer server = new LoadServer(javaBin, jar, serverOpts, data)) {
            URI base = server.start(http);
            String admin = server.adminToken();
            JsonNode code = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/api/v1/codes"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"https://example.com/\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            URI redirect = URI.create(code.get("url").asText());
            URI staticRedirect = URI.create("http://127.0.0.1:" + floor.port() + "/q/static");
            URI live = base.resolve("/health/live");

            phase(http, "warm-up /q/{handle}", redirect, 302, warmupSeconds);
            phase(http, "warm-up static 302", staticRedirect, 302, warmupSeconds);
            phase(http, "warm-up /health/live", live, 200, warmupSeconds);
            Phase codes = phase(http, "/q/{handle} (recorded)", redirect, 302, seconds);
            Phase bare = phase(http, "static 302 (bare Javalin)", staticRedirect, 302, seconds);
            Phase health = phase(http, "/health/live (Gatehouse)", live, 200, seconds);

            JsonNode summary = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/api/v1/codes/"
                    + code.get("id").asText() + "/scans/summary")).header("Authorization", "Bearer " + admin)
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            report.append(String.format(Locale.ROOT, "Code redirects: %d clients, %d s per phase, SQLite, load"
                    + " average %s%n", clients, seconds, LoadServer.loadAverage()));
            report.append(codes.line()).append('\n').append(bare.line()).append('\n').append(health.line())
                    .append('\n');
            report.append(String.format(Locale.ROOT, "ratio /q/ to static 302: %.2f; to /health/live: %.2f%n",
                    codes.perSecond() / bare.perSecond(), codes.perSecond() / health.perSecond()));
            double commits = groupedCommitFloor();
            report.append(String.format(Locale.ROOT, "durable grouped commits (Database.decide, %d threads, one-row"
                    + " INSERT, same file system, in this JVM): %.0f/s; ratio /q/ to it: %.2f%n", clients, commits,
                    codes.perSecond() / commits));
            long recorded = summary.get("redirected").asLong();
            report.append(String.format(Locale.ROOT, "scans recorded as redirected: %d (redirects answered: %d)%n",
                    recorded, warmupCount.get() + codes.ok()));
            if (recorded != warmupCount.get() + codes.ok()) {
                throw new IllegalStateException("the scan summary does not count every redirect:\n" + report);
            }
            server.stopSampling();
        } finally {
            floor.stop();
            LoadServer.delete(data, false);
        }
        return report.toString();
    }

    /**
     * What the disk allows: durable one-row decisions per second through the same group commit, on a new SQLite
     * database beside the server's, with as many threads as there are clients.
     */
    private double groupedCommitFloor() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-code-redirects-floor-");
        try (Database database = Database.open(ConfigLoader.load(Map.of(), Map.of("data", dir.toString())))) {
            database.inTransaction(tx -> tx.update("CREATE TABLE bench_commit (slot INTEGER NOT NULL, n BIGINT"
                    + " NOT NULL)"));
            AtomicLong done = new AtomicLong();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int slot = t;
                Thread worker = new Thread(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        long row = ++n;
                        database.decide(tx -> tx.update("INSERT INTO bench_commit (slot, n) VALUES (?, ?)", slot,
                                row));
                        done.incrementAndGet();
                    }
                });
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            return done.get() / (double) seconds;
        } finally {
            LoadServer.delete(dir, false);
        }
    }

    private Phase phase(HttpClient http, String target, URI uri, int expected, int duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients, LoadServer.daemon("load"));
        Histogram latency = new ConcurrentHistogram(Duration.ofSeconds(60).toNanos() / 1000, 3);
        AtomicReference<String> firstError = new AtomicReference<>();
        long end = System.nanoTime() + Duration.ofSeconds(duration).toNanos();
        long started = System.nanoTime();
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                long ok = 0;
                long errors = 0;
                HttpRequest request = HttpRequest.newBuilder(uri).header("User-Agent", AGENT)
                        .timeout(Duration.ofSeconds(30)).GET().build();
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        latency.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
                        if (response.statusCode() == expected) {
                            ok++;
                        } else {
                            errors++;
                            firstError.compareAndSet(null, "status " + response.statusCode());
                        }
                    } catch (IOException e) {
                        errors++;
                        firstError.compareAndSet(null, e.toString());
                    }
                }
                return new long[] {ok, errors};
            }));
        }
        long ok = 0;
        long errors = 0;
        for (Future<long[]> result : results) {
            ok += result.get()[0];
            errors += result.get()[1];
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - started) / 1e9;
        if (target.startsWith("warm-up /q/")) {
            warmupCount.addAndGet(ok);
        }
        return new Phase(target, elapsed, ok, errors, latency, firstError.get());
    }
}
