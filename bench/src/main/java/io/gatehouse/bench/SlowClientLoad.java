package io.gatehouse.bench;

import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.SlowClients;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * How much do slow clients delay everyone else (finding 7)? Latency of {@code GET /health/live} and of
 * {@code POST /api/v1/totp/verify} (a real verification: fresh code, database transaction, audit record) measured
 * twice in the same run: first alone (the baseline), then beside {@code --slow} clients that each send one byte every
 * {@code --interval-ms} and never finish (half trickle a request head, half a request body to endpoints without a
 * credential; a client the server ends is reopened at once, so the count stays up). Prints both and the ratio.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.SlowClientLoad \
 *     [--slow 1000] [--seconds 15] [--interval-ms 500]
 * </pre>
 *
 * The server runs in this JVM (the test server: SQLite in a temporary directory, port 0, loopback), so the slow
 * clients, the measuring client and the server share the machine's cores. Requests are sent one after another
 * (closed loop, 20 ms apart), so the figures are latencies, not throughput. Bounded: at most 5,000 slow clients, at
 * most 120 s per phase; everything is closed at the end.
 */
public final class SlowClientLoad {
    private int slow = 1000;
    private int seconds = 15;
    private int intervalMs = 500;

    /** Latencies of one phase, in microseconds. */
    record Phase(String name, Histogram health, Histogram verify, long errors, String slowStats) {
    }

    public static void main(String[] args) throws Exception {
        SlowClientLoad load = new SlowClientLoad();
        for (int i = 0; i + 1 < args.length; i += 2) {
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--slow" -> load.slow = value;
                case "--seconds" -> load.seconds = value;
                case "--interval-ms" -> load.intervalMs = value;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; expected --slow,"
                        + " --seconds or --interval-ms");
            }
        }
        if (args.length % 2 != 0 || load.slow < 1 || load.slow > SlowClients.MAX_COUNT || load.seconds < 1
                || load.seconds > 120 || load.intervalMs < 10 || load.intervalMs > 10_000) {
            throw new IllegalArgumentException("expected --slow 1.." + SlowClients.MAX_COUNT + ", --seconds 1..120,"
                    + " --interval-ms 10..10000");
        }
        System.out.println(load.run());
    }

    String run() throws Exception {
        Path data = Files.createTempDirectory("gatehouse-slow-");
        try (TestServer server = TestServer.start(data)) {
            TotpUsers.Enrolled user = TotpUsers.enroll(server, "bench");
            measure(server, user, "warm-up", 3, null);
            Phase baseline = measure(server, user, "alone", seconds, null);
            Phase loaded;
            try (SlowClients clients = SlowClients.start(server.gatehouse().port(), slow,
                    Duration.ofMillis(intervalMs), Duration.ofSeconds(seconds + 30))) {
                Thread.sleep(2000);
                loaded = measure(server, user, "beside " + slow + " slow clients", seconds, clients);
            }
            return report(baseline, loaded);
        } finally {
            try (Stream<Path> paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Phase measure(TestServer server, TotpUsers.Enrolled user, String name, int seconds,
            SlowClients clients) throws InterruptedException {
        Histogram health = new Histogram(60_000_000L, 3);
        Histogram verify = new Histogram(60_000_000L, 3);
        long errors = 0;
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < until) {
            long started = System.nanoTime();
            HttpResult live = server.get("/health/live", null);
            health.recordValue((System.nanoTime() - started) / 1000);
            String code = user.nextCode(server);
            started = System.nanoTime();
            HttpResult verdict = server.post("/api/v1/totp/verify", Map.of("username", user.username(), "code",
                    code));
            verify.recordValue((System.nanoTime() - started) / 1000);
            if (live.status() != 200 || verdict.status() != 200) {
                errors++;
            }
            Thread.sleep(20);
        }
        return new Phase(name, health, verify, errors, clients == null ? "" : clients.stats() + ", open at the end "
                + clients.open());
    }

    private static String report(Phase baseline, Phase loaded) {
        StringBuilder out = new StringBuilder("Slow clients (SlowClientLoad; latency in ms, lower is better)\n\n");
        out.append("| request | phase | n | p50 | p99 | max | errors |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (Phase phase : new Phase[] {baseline, loaded}) {
            out.append(row("GET /health/live", phase, phase.health()));
            out.append(row("POST /api/v1/totp/verify", phase, phase.verify()));
        }
        out.append("\n| request | ratio p50 (beside / alone) | ratio p99 |\n|---|---:|---:|\n");
        out.append(ratio("GET /health/live", baseline.health(), loaded.health()));
        out.append(ratio("POST /api/v1/totp/verify", baseline.verify(), loaded.verify()));
        out.append("\nslow clients: ").append(loaded.slowStats()).append('\n');
        return out.toString();
    }

    private static String row(String request, Phase phase, Histogram h) {
        return String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f | %d |%n", request, phase.name(),
                h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0, phase.errors());
    }

    private static String ratio(String request, Histogram alone, Histogram beside) {
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", request,
                beside.getValueAtPercentile(50) / (double) alone.getValueAtPercentile(50),
                beside.getValueAtPercentile(99) / (double) alone.getValueAtPercentile(99));
    }
}
