package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.bench.OpenLoop.Step;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
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
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An HTTP load generator for {@code POST /api/v1/totp/verify} (issue 8), against the real server started as its own
 * process from {@code dist/target/gatehouse.jar} on SQLite in a temporary directory, on loopback ({@link LoadServer}).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.TotpLoad \
 *     [--jar dist/target/gatehouse.jar] [--users 2000] [--enrollers 8] [--clients 16] [--seconds 10]
 *     [--warmup-seconds 5] [--rate 500] [--concurrency 256] [--server-opts "-Xmx512m"] [--db sqlite|postgres] [--keep-log]
 *     [--server-env GATEHOUSE_KEY=value ...]
 * </pre>
 *
 * <p><b>Why a user can be verified only so often, and the design that follows.</b> The server's clock is real, and
 * RFC 6238 single use is per (user, time step): a code is accepted only for a step later than the user's last
 * accepted one, and only inside the policy's window around the current step. So one user gives at most one accepted
 * verification per step <i>after</i> its window has been used up: users / period per second, 67/s for 2,000 users at
 * 30 s. What the window gives, though, is a stock: with the widest window the server allows (5 steps behind, 5
 * ahead), a user enrolled with the code of the oldest step of the window can then be verified with each of the 10
 * later steps of the window, in ascending order, and gains one more step per period. The 30-second period is
 * better than 60 (same stock in steps, twice the gain per second). Eight digits rather than six because two steps
 * of one window can share a code (about 1 in 100,000 per verification with 6 digits and 11 steps); the server then
 * may record the later step, and the benchmark's next pairs of that user would be refused as replays. So the
 * benchmark enrolls {@code --users} users under one policy (role {@code bench}: SHA1, 8 digits, 30 s, 5 behind,
 * 5 ahead) and hands out (user, step) pairs round-robin over the users, each pair once, each user's steps ascending,
 * never a user with a request in flight; a pair is handed out only if its step is inside the window both at the
 * send time and 2 s later (so that it is still inside when the server checks it). The stock is about 10 x users
 * (20,000 for 2,000 users) plus users per 30 s; a phase that runs out of pairs stops and says so (the open loop
 * then counts a request without a pair as an error). Enrolling is the limit: it runs at the speed of durable
 * commits (three per user), so the 120,000 users that 4,000/s would need without the window take far too long.
 * Every verification sent is thus one the server must accept, with the same work as any other (user lookup, locks,
 * HMAC over the window, compare-and-set of the last step, audit record, durable commit).
 *
 * <p>What it does, in order:
 * <ol>
 *   <li>{@code gatehouse admin token create}, {@code gatehouse serve}; over HTTP with the admin token: the policy
 *       ({@code PUT /api/v1/policies/bench}), a {@code verify}-scoped token ({@code POST /api/v1/tokens}), then
 *       {@code --users} users enrolled by {@code --enrollers} threads the way a person would: create the user, create
 *       a TOTP enrollment link, read the otpauth URI off the link's page, activate with a code computed here with
 *       {@link Totp}. The enrollment rate is reported (each enrollment is three durable decisions).</li>
 *   <li>Warm-up: the closed loop below for {@code --warmup-seconds} (reported, not judged).</li>
 *   <li>Open loop at {@code --rate} per second for {@code --seconds} ({@link OpenLoop}: latency from the scheduled
 *       send time, no coordinated omission): p50, p99, max. Run before the closed loop so that its pairs are
 *       there.</li>
 *   <li>Closed loop: {@code --clients} threads, each sending one verification and waiting for the answer, for
 *       {@code --seconds}: accepted per second, p50, p99.</li>
 *   <li>Group commit: {@code gatehouse_commit_groups_total} and {@code gatehouse_commit_decisions_total} read from
 *       {@code /metrics} before and after each phase, giving commits (fsyncs) per second and the mean group size;
 *       "n/a" if the server does not export them.</li>
 *   <li>Floors, in this JVM while the server idles, on a new SQLite database in the same temporary file system:
 *       durable commits per second of a one-row INSERT through {@code Database.inTransaction} with 1 and with 16
 *       threads, and through {@code Database.decide} with 16 threads (group commit, information); and one HMAC
 *       window match ({@code Totp.match} over 11 steps) per second on one thread, to show it is negligible.</li>
 * </ol>
 * Every answer must be 200 with {@code "result":"accepted"}; anything else counts as an error, and the first one is
 * reported.
 */
public final class TotpLoad {
    static final String ROLE = "bench";
    static final int BEHIND = 5;
    static final int AHEAD = 5;
    static final int PERIOD = 30;
    static final int DIGITS = 8;
    private static final long CHECK_MARGIN_MILLIS = 2000;
    private static final AtomicLong SETUP_RETRIES = new AtomicLong();
    private static final Pattern OTPAUTH = Pattern.compile("id=\"uri\">([^<]+)<");

    private String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private Path jar = Path.of("dist/target/gatehouse.jar");
    private int users = 2000;
    private int enrollers = 8;
    private int clients = 16;
    private int seconds = 10;
    private int warmupSeconds = 5;
    private int rate = 500;
    private int concurrency = 256;
    private List<String> serverOpts = List.of();
    /** {@code sqlite} (the default) or {@code postgres}: an embedded PostgreSQL 17 with fsync and synchronous commit on. */
    private String db = "sqlite";
    private boolean keepLog;
    /** Server environment besides the database's, from {@code --server-env KEY=VALUE} (repeatable). */
    private final Map<String, String> serverEnv = new java.util.LinkedHashMap<>();
    /** The last run's open and closed loops, for {@link AlertLoad}; null before a run. */
    private Step lastOpen;
    private Closed lastClosed;

    /** One closed-loop phase. */
    record Closed(int clients, double seconds, long ok, long errors, boolean exhausted, Histogram latency,
            String firstError) {
        double accepted() {
            return ok / seconds;
        }

        String line() {
            return String.format(Locale.ROOT, "%d clients x %.1f s: ok %d, errors %d, accepted %.0f/s; latency ms p50"
                    + " %.2f p99 %.2f max %.2f%s%s", clients, seconds, ok, errors, accepted(),
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0, exhausted ? " [ran out of (user, step) pairs]" : "",
                    firstError == null ? "" : "; first error: " + firstError);
        }
    }

    /** An enrolled user: its id and name, its authenticator, and the step its activation used. */
    record User(String id, String username, Totp totp, long activatedStep) {
    }

    /** A (user, step) pair handed out once. */
    record Ticket(int user, String username, String code) {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(parse(args).run());
    }

    /** The generator with the options of {@code args}, checked; see the class comment. */
    static TotpLoad parse(String[] args) {
        TotpLoad load = new TotpLoad();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jar" -> load.jar = Path.of(value);
                case "--java" -> load.javaBin = value;
                case "--users" -> load.users = Integer.parseInt(value);
                case "--enrollers" -> load.enrollers = Integer.parseInt(value);
                case "--clients" -> load.clients = Integer.parseInt(value);
                case "--seconds" -> load.seconds = Integer.parseInt(value);
                case "--warmup-seconds" -> load.warmupSeconds = Integer.parseInt(value);
                case "--rate" -> load.rate = Integer.parseInt(value);
                case "--concurrency" -> load.concurrency = Integer.parseInt(value);
                case "--server-opts" -> load.serverOpts = List.of(value.trim().split("\\s+"));
                case "--db" -> load.db = value;
                case "--server-env" -> {
                    int equals = value.indexOf('=');
                    if (equals < 1) {
                        throw new IllegalArgumentException("--server-env: expected KEY=VALUE, got '" + value + "'");
                    }
                    load.serverEnv.put(value.substring(0, equals), value.substring(equals + 1));
                }
                case "--keep-log" -> {
                    load.keepLog = true;
                    i--; // a flag without a value
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see the class"
                        + " comment of " + TotpLoad.class.getName());
            }
            i++;
        }
        if (load.users < 16 || load.users > 100_000 || load.enrollers < 1 || load.enrollers > 64
                || load.clients < 1 || load.clients > 256 || load.seconds < 1 || load.seconds > 60
                || load.warmupSeconds < 0 || load.warmupSeconds > 60 || load.rate < 1 || load.rate > 20_000
                || load.concurrency < 1 || load.concurrency > 4096) {
            throw new IllegalArgumentException("out of bounds: users 16..100000, enrollers 1..64, clients 1..256,"
                    + " seconds 1..60, warm-up 0..60 s, rate 1..20000, concurrency 1..4096");
        }
        return load;
    }

    Step lastOpen() {
        return lastOpen;
    }

    Closed lastClosed() {
        return lastClosed;
    }

    String run() throws Exception {
        LoadServer.requireJar(jar);
        Path data = Files.createTempDirectory("gatehouse-totp-load-");
        log("machine: %d processors; load average %s; jar %s (modified %s); server JVM options %s",
                Runtime.getRuntime().availableProcessors(), LoadServer.loadAverage(), jar,
                Files.getLastModifiedTime(jar).toInstant(), serverOpts.isEmpty() ? "(none)" : serverOpts);
        ExecutorService callbacks = Executors.newFixedThreadPool(4, LoadServer.daemon("totp-load-http"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
        DurableDatabase database = DurableDatabase.open(db, data);
        Map<String, String> environment = new java.util.HashMap<>(LoadServer.environmentOf(database));
        environment.putAll(serverEnv);
        LoadServer server = new LoadServer(javaBin, jar, serverOpts, data, environment);
        try {
            URI base = server.start(http);
            String admin = server.adminToken();
            log("server pid %d on %s; database %s", server.pid(), base, db);
            Api api = new Api(http, base, admin);
            api.send("PUT", "/api/v1/policies/" + ROLE, Map.of("algorithm", "SHA1", "digits", DIGITS, "periodSeconds",
                    PERIOD, "lookBehindSteps", BEHIND, "lookAheadSteps", AHEAD, "totpRequired", true,
                    "enrollmentLinkTtlSeconds", 3600), 200);
            String verifyToken = api.send("POST", "/api/v1/tokens", Map.of("name", "bench-verify", "scopes",
                    List.of("verify")), 201).get("token").asText();

            long enrollStart = System.nanoTime();
            List<User> enrolled = enroll(api);
            double enrollSeconds = (System.nanoTime() - enrollStart) / 1e9;
            log("enrolled %d users over HTTP with %d threads in %.1f s: %.0f users/s (%d setup requests sent again"
                    + " after 408 or 503); VmRSS %,d KiB", users, enrollers, enrollSeconds, users / enrollSeconds,
                    SETUP_RETRIES.get(), server.rssKb());

            Tickets tickets = new Tickets(enrolled);
            log("(user, step) pairs available now: %,d", tickets.available(System.currentTimeMillis()));
            URI verify = base.resolve("/api/v1/totp/verify");
            String authorization = "Bearer " + verifyToken;
            if (warmupSeconds > 0) {
                Closed warmup = closed(http, verify, authorization, tickets, warmupSeconds);
                log("warm-up %s", warmup.line());
            }

            LoadServer.Commits beforeOpen = LoadServer.commits(http, base);
            long openCpu = server.cpuMillis();
            Ticket[] sentTickets = new Ticket[rate * seconds];
            Step open = new OpenLoop(http, concurrency, server).step("totp-verify", rate, seconds, i -> {
                Ticket ticket = tickets.next(System.currentTimeMillis());
                sentTickets[i] = ticket;
                return request(verify, authorization, ticket);
            }, TotpLoad::isAccepted, i -> tickets.done(sentTickets[i]));
            LoadServer.Commits afterOpen = LoadServer.commits(http, base);
            String openCommits = beforeOpen.between(afterOpen, seconds) + "; " + LoadServer.cpuPer(server.cpuMillis() - openCpu,
                    open.ok(), "verification");
            log("open loop %s; %s", open.line(), openCommits);

            log("(user, step) pairs available now: %,d", tickets.available(System.currentTimeMillis()));
            LoadServer.Commits beforeClosed = LoadServer.commits(http, base);
            long closedCpu = server.cpuMillis();
            Closed closed = closed(http, verify, authorization, tickets, seconds);
            LoadServer.Commits afterClosed = LoadServer.commits(http, base);
            String closedCommits = beforeClosed.between(afterClosed, closed.seconds()) + "; "
                    + LoadServer.cpuPer(server.cpuMillis() - closedCpu, closed.ok(), "verification");
            log("closed loop %s; %s", closed.line(), closedCommits);
            server.stopSampling();
            lastOpen = open;
            lastClosed = closed;

            Floors floors = floors();
            return report(open, openCommits, closed, closedCommits, floors, users / enrollSeconds,
                    server.rssPeakKb());
        } finally {
            server.close();
            database.close();
            callbacks.shutdownNow();
            if (keepLog) {
                log("server log kept in %s", data.resolve("server.log"));
            }
            LoadServer.delete(data, keepLog);
        }
    }

    // ---- Setup ----------------------------------------------------------------------------------------

    /** The admin API, each call required to answer one status. */
    record Api(HttpClient http, URI base, String token) {
        JsonNode send(String method, String path, Object body, int expected) throws IOException,
                InterruptedException {
            return call(base.resolve(path), method, body, true, expected);
        }

        JsonNode call(URI uri, String method, Object body, boolean admin, int expected) throws IOException,
                InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(DoorFixture.JSON.writeValueAsBytes(body)));
            if (admin) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (int retry = 0; retry < 3 && (response.statusCode() == 408 || response.statusCode() == 503); retry++) {
                // The body was refused before any handler ran, so nothing was done: setup may send it again.
                SETUP_RETRIES.incrementAndGet();
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + uri.getPath() + " answered " + response.statusCode()
                        + ", expected " + expected + ": " + OpenLoop.shorten(response.body()));
            }
            return DoorFixture.JSON.readTree(response.body());
        }

        String page(URI uri) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri.getPath() + " answered " + response.statusCode());
            }
            return response.body();
        }
    }

    private List<User> enroll(Api api) throws Exception {
        User[] enrolled = new User[users];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(enrollers, LoadServer.daemon("totp-enroll"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < enrollers; t++) {
                done.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < users; ) {
                        enrolled[i] = enrollOne(api, "totp-user-" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.of(enrolled);
    }

    /** Create, link, read the otpauth URI off the page, activate with the oldest step of the window. */
    static User enrollOne(Api api, String username) throws IOException, InterruptedException {
        String id = api.send("POST", "/api/v1/users", Map.of("username", username, "roles", List.of(ROLE)), 201)
                .get("id").asText();
        URI link = URI.create(api.send("POST", "/api/v1/users/" + id + "/totp/enrollments", Map.of(), 201)
                .get("enrollmentUrl").asText());
        Matcher uri = OTPAUTH.matcher(api.page(link));
        if (!uri.find()) {
            throw new IllegalStateException("the enrollment page shows no otpauth URI");
        }
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri.group(1).replace("&amp;", "&"));
        Totp totp = new Totp(parsed.params(), parsed.secret());
        long oldest = Tickets.lowestStep(System.currentTimeMillis());
        api.call(URI.create(link + "/activate"), "POST", Map.of("code", totp.codeAt(oldest * PERIOD)), false, 200);
        return new User(id, username, totp, oldest);
    }

    // ---- The (user, step) pairs -----------------------------------------------------------------------

    /**
     * Hands out each (user, step) pair once, round-robin over the users, each user's steps ascending from the one
     * after its activation, never a user with a request in flight; only steps inside the server's window now and
     * {@link #CHECK_MARGIN_MILLIS} later.
     */
    static final class Tickets {
        private final List<User> users;
        private final long[] last;
        private final boolean[] busy;
        private final long marginMillis;
        private int cursor;

        Tickets(List<User> users) {
            this(users, CHECK_MARGIN_MILLIS);
        }

        /** A margin longer than the default for requests that reach the check only after several others. */
        Tickets(List<User> users, long marginMillis) {
            this.users = users;
            this.last = users.stream().mapToLong(User::activatedStep).toArray();
            this.busy = new boolean[users.size()];
            this.marginMillis = marginMillis;
        }

        static long lowestStep(long nowMillis) {
            return lowestStep(nowMillis, CHECK_MARGIN_MILLIS);
        }

        private static long lowestStep(long nowMillis, long marginMillis) {
            return Math.floorDiv(nowMillis + marginMillis, PERIOD * 1000L) - BEHIND;
        }

        private static long highestStep(long nowMillis) {
            return Math.floorDiv(nowMillis, PERIOD * 1000L) + AHEAD;
        }

        /** The next pair, or null when every user has used its window up or is busy. */
        synchronized Ticket next(long nowMillis) {
            long lowest = lowestStep(nowMillis, marginMillis);
            long highest = highestStep(nowMillis);
            for (int n = 0; n < users.size(); n++) {
                int u = cursor;
                cursor = (cursor + 1) % users.size();
                long step = Math.max(last[u] + 1, lowest);
                if (!busy[u] && step <= highest) {
                    last[u] = step;
                    busy[u] = true;
                    User user = users.get(u);
                    return new Ticket(u, user.username(), user.totp().codeAt(step * PERIOD));
                }
            }
            return null;
        }

        synchronized void done(Ticket ticket) {
            if (ticket != null) {
                busy[ticket.user()] = false;
            }
        }

        synchronized long available(long nowMillis) {
            long lowest = lowestStep(nowMillis, marginMillis);
            long highest = highestStep(nowMillis);
            long sum = 0;
            for (long step : last) {
                sum += Math.max(0, highest - Math.max(step + 1, lowest) + 1);
            }
            return sum;
        }
    }

    static HttpRequest request(URI verify, String authorization, Ticket ticket) {
        String body = ticket == null ? "{}" : "{\"username\":\"" + ticket.username() + "\",\"code\":\"" + ticket.code()
                + "\"}";
        return HttpRequest.newBuilder(verify).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String isAccepted(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + ": " + OpenLoop.shorten(response.body());
        }
        return response.body().contains("\"result\":\"accepted\"") ? null
                : "not accepted: " + OpenLoop.shorten(response.body());
    }

    // ---- The closed loop ------------------------------------------------------------------------------

    private Closed closed(HttpClient http, URI verify, String authorization, Tickets tickets, int duration)
            throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicBoolean exhausted = new AtomicBoolean();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(duration);
        Consumer<String> error = problem -> {
            errors.incrementAndGet();
            firstError.compareAndSet(null, problem);
        };
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread worker = LoadServer.daemon("totp-client").newThread(() -> {
                while (System.nanoTime() < end) {
                    Ticket ticket = tickets.next(System.currentTimeMillis());
                    if (ticket == null) {
                        exhausted.set(true);
                        return;
                    }
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request(verify, authorization, ticket),
                                HttpResponse.BodyHandlers.ofString());
                        latency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(120),
                                (System.nanoTime() - sent) / 1000));
                        String problem = isAccepted(response);
                        if (problem == null) {
                            ok.incrementAndGet();
                        } else {
                            error.accept(problem);
                        }
                    } catch (IOException e) {
                        error.accept(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        tickets.done(ticket);
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(duration + 30L));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Closed(clients, elapsed, ok.get(), errors.get(), exhausted.get(), latency.copy(), firstError.get());
    }

    /** Durable one-row commits per second, and HMAC window matches per second. */
    record Floors(double commitOne, double commitSixteen, double decideSixteen, double hmac) {
    }

    private static Floors floors() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-totp-load-floor-");
        try (Database database = Database.open(ConfigLoader.load(Map.of(), Map.of("data", dir.toString())))) {
            DurableVerifyBenchmark.Server.checkDurable(database);
            database.inTransaction(tx -> tx.update(
                    "CREATE TABLE bench_commit (slot INTEGER NOT NULL, n BIGINT NOT NULL)"));
            double one = commitRate(database, 1, false);
            double sixteen = commitRate(database, 16, false);
            double grouped = commitRate(database, 16, true);
            double hmac = hmacRate();
            log("floors (in-process, same file system): durable commits %.0f/s with 1 thread, %.0f/s with 16;"
                    + " grouped (Database.decide) %.0f/s with 16; HMAC window match %.0f/s on 1 thread", one, sixteen,
                    grouped, hmac);
            return new Floors(one, sixteen, grouped, hmac);
        } finally {
            LoadServer.delete(dir, false);
        }
    }

    private static double commitRate(Database database, int threads, boolean grouped) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(5);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            Thread worker = new Thread(() -> {
                long n = 0;
                long nowNanos;
                while ((nowNanos = System.nanoTime()) < end) {
                    long row = ++n;
                    if (grouped) {
                        database.decide(tx -> tx.update("INSERT INTO bench_commit (slot, n) VALUES (?, ?)", slot,
                                row));
                    } else {
                        database.inTransaction(tx -> tx.update("INSERT INTO bench_commit (slot, n) VALUES (?, ?)",
                                slot, row));
                    }
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

    private static double hmacRate() {
        Totp totp = new Totp(new TotpParameters(OtpAlgorithm.SHA1, DIGITS, PERIOD), new byte[20]);
        long now = System.currentTimeMillis() / 1000;
        String zero = "0".repeat(DIGITS);
        String wrong = zero.equals(totp.codeAt(now)) ? "1".repeat(DIGITS) : zero;
        long count = 0;
        long misses = 0;
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(2);
        long nowNanos;
        while ((nowNanos = System.nanoTime()) < end) {
            // A miss computes all 11 steps of the window: the most an accepted code can cost.
            OptionalLong step = totp.match(wrong, now, BEHIND, AHEAD);
            misses += step.isEmpty() ? 1 : 0;
            if (nowNanos >= warmEnd) {
                count++;
            }
        }
        if (misses == 0) {
            throw new IllegalStateException("the HMAC floor's wrong code matched");
        }
        return count / 2.0;
    }

    // ---- The report -----------------------------------------------------------------------------------

    private String report(Step open, String openCommits, Closed closed, String closedCommits, Floors floors,
            double enrollRate, long rssPeakKb) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nTOTP verification over HTTP (TotpLoad; SQLite; server in its own"
                + " JVM; loopback; %d users; load average at the end %s)%n%n", users, LoadServer.loadAverage()));
        Histogram o = open.latency();
        Histogram c = closed.latency();
        out.append("| phase | sent | accepted | errors | accepted /s | p50 ms | p99 ms | max ms | commits |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        out.append(String.format(Locale.ROOT, "| open loop %d/s x %d s | %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %s"
                + " |%n", open.rate(), open.seconds(), open.sent() + open.unsent(), open.ok(),
                open.errors() + open.unsent(), open.achieved(), o.getValueAtPercentile(50) / 1000.0,
                o.getValueAtPercentile(99) / 1000.0, o.getMaxValue() / 1000.0, openCommits));
        out.append(String.format(Locale.ROOT, "| closed loop %d clients x %.1f s%s | %d | %d | %d | %.0f | %.2f | %.2f"
                + " | %.2f | %s |%n", closed.clients(), closed.seconds(), closed.exhausted() ? " (ran out of pairs)"
                : "", closed.ok() + closed.errors(), closed.ok(), closed.errors(), closed.accepted(),
                c.getValueAtPercentile(50) / 1000.0, c.getValueAtPercentile(99) / 1000.0, c.getMaxValue() / 1000.0,
                closedCommits));
        out.append(String.format(Locale.ROOT, "%nenrollment over HTTP: %.0f users/s with %d threads (%d setup"
                + " requests sent again after 408 or 503); server RSS peak %.0f MiB%n", enrollRate, enrollers,
                SETUP_RETRIES.get(), rssPeakKb / 1024.0));
        out.append(String.format(Locale.ROOT, "floors (in this JVM, same file system): durable commits %.0f/s (1"
                + " thread), %.0f/s (16 threads), grouped %.0f/s (16 threads, Database.decide); HMAC window match"
                + " %.0f/s on one core (%.1f µs each: negligible)%n%n", floors.commitOne(), floors.commitSixteen(),
                floors.decideSixteen(), floors.hmac(), 1e6 / floors.hmac()));
        out.append("| target | value | required | met |\n|---|---:|---|---|\n");
        double p99 = o.getValueAtPercentile(99) / 1000.0;
        long openBad = open.errors() + open.unsent();
        out.append(String.format(Locale.ROOT, "| p99 at %d verifications/s | %.2f ms (errors %d) | <= 10 ms, no errors"
                + " | %s |%n", open.rate(), p99, openBad, p99 <= 10 && openBad == 0 ? "yes" : "NO"));
        out.append(String.format(Locale.ROOT, "| accepted/s, %d clients | %.0f (errors %d) | >= 3000, no errors | %s"
                + " |%n", closed.clients(), closed.accepted(), closed.errors(), closed.accepted() >= 3000
                && closed.errors() == 0 ? "yes" : "NO"));
        out.append(String.format(Locale.ROOT, "| accepted/s / durable commits (1 thread) | %.2f | (information) | |%n",
                closed.accepted() / floors.commitOne()));
        out.append(String.format(Locale.ROOT, "| accepted/s / durable commits (16 threads) | %.2f | (information) |"
                + " |%n", closed.accepted() / floors.commitSixteen()));
        out.append(String.format(Locale.ROOT, "| accepted/s / grouped commits (16 threads) | %.2f | (information) |"
                + " |%n", closed.accepted() / floors.decideSixteen()));
        return out.toString();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[totp-load %tT] %s%n", System.currentTimeMillis(),
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
