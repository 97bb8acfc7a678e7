package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.protocol.otp.Totp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The anomaly engine's two figures (issue 13): what it costs the decisions it watches, and how soon an alert reaches
 * a webhook. The real server runs as its own process ({@link LoadServer}) on SQLite (or {@code --db postgres}).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.AlertLoad \
 *     [--jar dist/target/gatehouse.jar] [--rounds 2] [--users 3000] [--seconds 10] [--trials 200]
 *     [--background-rate 200] [--background-users 1000] [--db sqlite|postgres] [--skip-cost] [--skip-delay]
 * </pre>
 *
 * <ol>
 *   <li><b>Cost.</b> {@link TotpLoad} runs {@code 2 × --rounds} times, alternating a server with the engine off
 *       ({@code GATEHOUSE_ALERTS_DETECT=false}) and on (the default), the order swapped each round so that a
 *       drift of the shared machine falls on both. Every accepted verification is an audit record the engine reads
 *       and hands to every rule. Reported: accepted verifications per second with 16 clients, and p99 of the open
 *       loop at 500/s, for each run; the ratio on/off of the mean rates. Target: on ≥ 0.9 × off.</li>
 *   <li><b>Detection delay.</b> One server with the engine on and a webhook subscribed to alerts, pointing at a
 *       receiver in this JVM. Each trial takes a new enrolled person and sends the failed verifications that make
 *       the {@code failure_spike} rule fire (its threshold, 5 by default), one after the other; the delay is from
 *       the answer to the last of them (its record is durable by then) to the webhook's arrival at the receiver,
 *       both on this JVM's monotonic clock. The trials run while four clients send {@code --background-rate}
 *       accepted verifications per second of {@code --background-users} other people (records the engine must read
 *       too; each person's window gives about ten, so the rate holds for about users × 10 / rate seconds, and the
 *       rate achieved is reported). Reported: p50, p99 and max over
 *       {@code --trials}, and the trials whose webhook never came within 10 s. Target: p99 ≤ 2 s. The floor is the
 *       audit sealer's period (100 ms): the engine reads sealed records only.</li>
 * </ol>
 */
public final class AlertLoad {
    /** The failures that fire {@code failure_spike} at its default threshold. */
    private static final int SPIKE = 5;
    private static final Duration WEBHOOK_WAIT = Duration.ofSeconds(10);
    private static final int BACKGROUND_CLIENTS = 4;

    private String jar = "dist/target/gatehouse.jar";
    private int rounds = 2;
    private int users = 3000;
    private int seconds = 10;
    private int trials = 200;
    private int backgroundRate = 200;
    private int backgroundUsers = 1000;
    private String db = "sqlite";
    private boolean cost = true;
    private boolean delay = true;

    /** One TotpLoad run: the engine's switch and what the loops measured. */
    record CostRun(boolean detect, double acceptedPerSecond, double closedSeconds, boolean exhausted,
            double openP99Millis, boolean openSaturated) {
    }

    /** The delay trials: per-trial delays in microseconds, and the trials that got no webhook. */
    record Delays(Histogram delays, int missing, long backgroundAccepted, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        AlertLoad load = new AlertLoad();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jar" -> load.jar = value;
                case "--rounds" -> load.rounds = Integer.parseInt(value);
                case "--users" -> load.users = Integer.parseInt(value);
                case "--seconds" -> load.seconds = Integer.parseInt(value);
                case "--trials" -> load.trials = Integer.parseInt(value);
                case "--background-rate" -> load.backgroundRate = Integer.parseInt(value);
                case "--background-users" -> load.backgroundUsers = Integer.parseInt(value);
                case "--db" -> load.db = value;
                case "--skip-cost" -> {
                    load.cost = false;
                    i--;
                }
                case "--skip-delay" -> {
                    load.delay = false;
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see the class"
                        + " comment of " + AlertLoad.class.getName());
            }
            i++;
        }
        if (load.rounds < 1 || load.rounds > 10 || load.trials < 10 || load.trials > 10_000
                || load.backgroundRate < 0 || load.backgroundRate > 5_000 || load.backgroundUsers < 16
                || load.backgroundUsers > 100_000) {
            throw new IllegalArgumentException("out of bounds: rounds 1..10, trials 10..10000, background rate"
                    + " 0..5000, background users 16..100000");
        }
        System.out.println(load.run());
    }

    String run() throws Exception {
        List<CostRun> runs = cost ? cost() : List.of();
        Delays delays = delay ? delays() : null;
        return report(runs, delays);
    }

    // ---- Cost -------------------------------------------------------------------------------------------

    private List<CostRun> cost() throws Exception {
        List<CostRun> runs = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean[] order = round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
            for (boolean detect : order) {
                log("round %d: TotpLoad with the engine %s", round + 1, detect ? "on" : "off");
                TotpLoad totp = TotpLoad.parse(new String[] {"--jar", jar, "--users", String.valueOf(users),
                    "--seconds", String.valueOf(seconds), "--db", db, "--server-env",
                    "GATEHOUSE_ALERTS_DETECT=" + detect});
                System.out.println(totp.run());
                runs.add(new CostRun(detect, totp.lastClosed().accepted(), totp.lastClosed().seconds(),
                        totp.lastClosed().exhausted(),
                        totp.lastOpen().latency().getValueAtPercentile(99) / 1000.0, totp.lastOpen().saturated()));
            }
        }
        return runs;
    }

    // ---- Detection delay --------------------------------------------------------------------------------

    private Delays delays() throws Exception {
        Path data = Files.createTempDirectory("gatehouse-alert-load-");
        ExecutorService callbacks = Executors.newFixedThreadPool(4, LoadServer.daemon("alert-load-http"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        receiver.createContext("/hook", exchange -> {
            long arrived = System.nanoTime();
            try (InputStream body = exchange.getRequestBody()) {
                JsonNode alert = DoorFixture.JSON.readTree(body.readAllBytes()).path("alert");
                if ("failure_spike".equals(alert.path("rule").asText())) {
                    arrivals.putIfAbsent(alert.path("subject").asText(), arrived);
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(2, LoadServer.daemon("alert-load-receiver")));
        receiver.start();
        DurableDatabase database = DurableDatabase.open(db, data);
        Map<String, String> environment = new java.util.HashMap<>(LoadServer.environmentOf(database));
        environment.put("GATEHOUSE_ALERTS_WEBHOOK_ALLOW_NETWORKS", "127.0.0.1"); // the receiver, on this machine
        LoadServer server = new LoadServer(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Path.of(jar), List.of(), data, environment);
        try {
            URI base = server.start(http);
            TotpLoad.Api api = new TotpLoad.Api(http, base, server.adminToken());
            api.send("PUT", "/api/v1/policies/" + TotpLoad.ROLE, Map.of("algorithm", "SHA1", "digits",
                    TotpLoad.DIGITS, "periodSeconds", TotpLoad.PERIOD, "lookBehindSteps", TotpLoad.BEHIND,
                    "lookAheadSteps", TotpLoad.AHEAD, "totpRequired", true, "enrollmentLinkTtlSeconds", 3600), 200);
            String verifyToken = api.send("POST", "/api/v1/tokens", Map.of("name", "bench-verify", "scopes",
                    List.of("verify")), 201).get("token").asText();
            api.send("POST", "/api/v1/webhooks", Map.of("url", "http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook", "secret", "bench-webhook-secret-0123456789", "events", List.of("alert")), 201);
            int background = backgroundRate == 0 ? 0 : backgroundUsers;
            log("enrolling %d people for the trials and %d for the background load", trials, background);
            List<TotpLoad.User> people = enroll(api, trials + background);
            List<TotpLoad.User> targets = people.subList(0, trials);
            URI verify = base.resolve("/api/v1/totp/verify");
            String authorization = "Bearer " + verifyToken;

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong accepted = new AtomicLong();
            List<Thread> load = new ArrayList<>();
            if (background > 0) {
                TotpLoad.Tickets tickets = new TotpLoad.Tickets(people.subList(trials, people.size()));
                long interval = TimeUnit.SECONDS.toNanos(1) / backgroundRate;
                AtomicLong schedule = new AtomicLong(System.nanoTime());
                for (int c = 0; c < BACKGROUND_CLIENTS; c++) {
                    Thread client = LoadServer.daemon("alert-load-background").newThread(() -> {
                        while (!stop.get()) {
                            // Paced: each send takes the next slot of the schedule, never ahead of it.
                            long slot = schedule.getAndAdd(interval);
                            long wait = slot - System.nanoTime();
                            if (wait > 0) {
                                sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                            }
                            TotpLoad.Ticket ticket = tickets.next(System.currentTimeMillis());
                            if (ticket == null) {
                                sleep(50);
                                continue;
                            }
                            try {
                                if (TotpLoad.isAccepted(http.send(TotpLoad.request(verify, authorization, ticket),
                                        HttpResponse.BodyHandlers.ofString())) == null) {
                                    accepted.incrementAndGet();
                                }
                            } catch (IOException e) {
                                // counted by its absence
                            } catch (InterruptedException e) {
                                return;
                            } finally {
                                tickets.done(ticket);
                            }
                        }
                    });
                    load.add(client);
                    client.start();
                }
            }

            Histogram delays = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            int missing = 0;
            long start = System.nanoTime();
            for (TotpLoad.User person : targets) {
                String wrong = wrongCode(person.totp());
                long lastAnswer = 0;
                for (int attempt = 0; attempt < SPIKE; attempt++) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(verify)
                            .timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"" + person.username() + "\",\"code\":\"" + wrong + "\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    lastAnswer = System.nanoTime();
                    if (!answer.body().contains("\"rejected\"")) {
                        throw new IllegalStateException("a wrong code was answered " + answer.statusCode() + ": "
                                + OpenLoop.shorten(answer.body()));
                    }
                }
                Long arrived = awaitArrival(arrivals, "user:" + person.id());
                if (arrived == null) {
                    missing++;
                } else {
                    delays.recordValue(Math.max(0, (arrived - lastAnswer) / 1000));
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Thread client : load) {
                client.join(TimeUnit.SECONDS.toMillis(15));
            }
            return new Delays(delays, missing, accepted.get(), elapsed);
        } finally {
            server.close();
            database.close();
            receiver.stop(0);
            callbacks.shutdownNow();
            LoadServer.delete(data, false);
        }
    }

    private static List<TotpLoad.User> enroll(TotpLoad.Api api, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8, LoadServer.daemon("alert-load-enroll"));
        try {
            List<java.util.concurrent.Future<TotpLoad.User>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "alert-user-" + i;
                futures.add(pool.submit(() -> TotpLoad.enrollOne(api, name)));
            }
            List<TotpLoad.User> enrolled = new ArrayList<>();
            for (var future : futures) {
                enrolled.add(future.get(10, TimeUnit.MINUTES));
            }
            return enrolled;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A code of the right length that no step of the policy's window gives now or in the next minute. */
    private static String wrongCode(Totp totp) {
        long step = System.currentTimeMillis() / 1000 / TotpLoad.PERIOD;
        Set<String> window = new HashSet<>();
        for (long s = step - TotpLoad.BEHIND - 2; s <= step + TotpLoad.AHEAD + 2; s++) {
            window.add(totp.codeAt(s * TotpLoad.PERIOD));
        }
        for (int candidate = 0; ; candidate++) {
            String code = String.format(Locale.ROOT, "%0" + TotpLoad.DIGITS + "d", candidate);
            if (!window.contains(code)) {
                return code;
            }
        }
    }

    private static Long awaitArrival(Map<String, Long> arrivals, String subject) throws InterruptedException {
        long deadline = System.nanoTime() + WEBHOOK_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Long arrived = arrivals.get(subject);
            if (arrived != null) {
                return arrived;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return null;
    }

    // ---- Report -----------------------------------------------------------------------------------------

    private String report(List<CostRun> runs, Delays delays) {
        StringBuilder out = new StringBuilder("\n==== AlertLoad (issue 13) ====\n");
        out.append(String.format(Locale.ROOT, "machine: %d processors; load average %s; database %s%n",
                Runtime.getRuntime().availableProcessors(), LoadServer.loadAverage(), db));
        if (!runs.isEmpty()) {
            out.append("cost: TotpLoad, 16 clients closed loop and 500/s open loop, engine off and on alternating\n");
            for (CostRun run : runs) {
                out.append(String.format(Locale.ROOT, "  engine %-3s  accepted %,8.0f/s over %4.1f s%s   open-loop p99"
                        + " %8.2f ms%s%n", run.detect() ? "on" : "off", run.acceptedPerSecond(), run.closedSeconds(),
                        run.exhausted() ? " (ran out of pairs: use more --users)" : "", run.openP99Millis(),
                        run.openSaturated() ? " [saturated]" : ""));
            }
            double on = runs.stream().filter(CostRun::detect).mapToDouble(CostRun::acceptedPerSecond).average()
                    .orElse(0);
            double off = runs.stream().filter(run -> !run.detect()).mapToDouble(CostRun::acceptedPerSecond)
                    .average().orElse(0);
            double ratio = off == 0 ? 0 : on / off;
            out.append(String.format(Locale.ROOT, "  mean accepted/s: engine on %,.0f, off %,.0f; ratio on/off %.3f"
                    + " (target >= 0.900: %s)%n", on, off, ratio, ratio >= 0.9 ? "met" : "NOT met"));
        }
        if (delays != null) {
            Histogram h = delays.delays();
            double p99 = h.getValueAtPercentile(99) / 1000.0;
            out.append(String.format(Locale.ROOT, "detection delay, last failed answer -> webhook arrival, %d trials"
                    + " over %.1f s with background verifications at %d/s asked, %,.0f/s accepted:%n",
                    h.getTotalCount() + delays.missing(), delays.seconds(), backgroundRate,
                    delays.backgroundAccepted() / delays.seconds()));
            out.append(String.format(Locale.ROOT, "  p50 %.1f ms, p99 %.1f ms, max %.1f ms; no webhook within %d s:"
                    + " %d (target p99 <= 2000 ms: %s); floor: the audit sealer's period, 100 ms%n",
                    h.getValueAtPercentile(50) / 1000.0, p99, h.getMaxValue() / 1000.0, WEBHOOK_WAIT.toSeconds(),
                    delays.missing(), p99 <= 2000 && delays.missing() == 0 ? "met" : "NOT met"));
        }
        return out.toString();
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[alert-load] " + format + "%n", args);
    }
}
