package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.testing.OpenApiContract;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * {@code kill -9} of {@code gatehouse serve} (SQLite) while clients verify TOTP and recovery codes as fast as they
 * can, three times on one data directory: no decision whose answer reached a client is lost. After each restart every
 * answered acceptance has its audit record and its code is refused as a replay, and every answered counted failure
 * is still counted; the audit chain is never broken.
 *
 * <p>Each client thread owns its users, so no user ever has two checks in flight and each user's time steps are used
 * in ascending order (the policy's window of 5 steps behind and 5 ahead gives each user about ten fresh steps, see
 * {@code TotpLoad} in the bench module). One user per thread only ever gets wrong codes; the lockout thresholds are
 * raised so that these stay counted failures and never turn into locks.
 */
class KillDuringLoadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "durable";
    private static final int PERIOD = 30;
    private static final int BEHIND = 5;
    private static final int AHEAD = 5;
    /** How long after it is sent a step must stay inside the window: answers are slow on a busy machine. */
    private static final long MARGIN_MILLIS = 10_000;
    private static final int THREADS = 8;
    private static final int USERS_PER_THREAD = 8;
    private static final int CYCLES = 3;
    /** Wrong codes per failing person over all cycles: below the lockout threshold (1,000) however fast the server. */
    private static final int MAX_WRONG = 900;
    private static final int MIN_ANSWERED = 50;
    private static final Duration LOAD = Duration.ofMillis(1_500);
    private static final Pattern RUNNING = Pattern.compile("Gatehouse is running at (http://\\S+)");
    private static final Pattern OTPAUTH = Pattern.compile("id=\"uri\">([^<]+)<");

    @TempDir
    Path data;
    @TempDir
    Path logs;
    Process server;
    int starts;
    HttpClient http;
    final long began = System.nanoTime();

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** What one request was for. */
    enum Kind { TOTP, RECOVERY, WRONG }

    /** One enrolled user; its fields are changed only by the thread that owns it. */
    static final class Person {
        final int index;
        final String id;
        final String username;
        final Totp totp;
        final List<String> recoveryCodes;
        final boolean failing;
        long lastStep;
        int nextRecovery;
        int requests;
        int wrongSent;

        Person(int index, String id, String username, Totp totp, long activatedStep, List<String> recoveryCodes,
                boolean failing) {
            this.index = index;
            this.id = id;
            this.username = username;
            this.totp = totp;
            this.lastStep = activatedStep;
            this.recoveryCodes = recoveryCodes;
            this.failing = failing;
        }
    }

    record Work(Person person, Kind kind, long step, String code) {
    }

    /** An answer that came back whole, with what it answered. */
    record Answer(Work work, int status, JsonNode body) {
        boolean accepted() {
            return status == 200 && "accepted".equals(body.path("result").asText());
        }
    }

    @Test
    void no_answered_decision_is_lost_when_the_server_is_killed_during_load() throws Exception {
        String base = start();
        CommandLineIT.Run token = CommandLineIT.run("admin", "token", "create", "--data", data.toString(), "--name",
                "ops");
        assertThat(token.exit()).as(token.stderr()).isZero();
        String admin = token.lastLine();
        note("started, admin token created");
        send("PUT", base + "/api/v1/policies/" + ROLE, admin, Map.of("algorithm", "SHA1", "digits", 8,
                "periodSeconds", PERIOD, "lookBehindSteps", BEHIND, "lookAheadSteps", AHEAD, "totpRequired", true,
                "enrollmentLinkTtlSeconds", 3600), 200);
        String verifier = send("POST", base + "/api/v1/tokens", admin, Map.of("name", "app", "scopes",
                List.of("verify")), 201).get("token").asText();
        List<Person> people = enroll(base, admin);
        note("enrolled %d users", people.size());

        List<Answer> answered = new ArrayList<>();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            List<Answer> now = loadThenKill(base, verifier, people);
            assertThat(now).filteredOn(Answer::accepted).as("accepted answers in cycle %d", cycle)
                    .hasSizeGreaterThanOrEqualTo(MIN_ANSWERED);
            assertThat(now).filteredOn(answer -> !expected(answer)).as("unexpected answers in cycle %d", cycle)
                    .isEmpty();
            answered.addAll(now);
            note("cycle %d: killed after %d answers (%d accepted)", cycle, now.size(),
                    now.stream().filter(Answer::accepted).count());

            CommandLineIT.Run audit = CommandLineIT.run("audit", "verify", "--data", data.toString());
            assertThat(audit.exit()).as("audit verify after kill %d: %s%s", cycle, audit.stdout(), audit.stderr())
                    .isIn(0, 3);

            note("audit verify: exit %d", audit.exit());
            base = start();
            note("restarted");
            checkNothingLost(base, admin, verifier, people, answered);
            note("checked %d answers", answered.size());
        }

        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
        CommandLineIT.Run audit = CommandLineIT.run("audit", "verify", "--data", data.toString());
        assertThat(audit.exit()).as(audit.stdout() + audit.stderr()).isZero();
    }

    private static boolean expected(Answer answer) {
        return switch (answer.work().kind()) {
            case TOTP, RECOVERY -> answer.accepted();
            case WRONG -> answer.status() == 401 && "invalid_code".equals(answer.body().path("reason").asText());
        };
    }

    private void note(String format, Object... args) {
        System.out.printf("[%s +%.1f s] %s%n", getClass().getSimpleName(), (System.nanoTime() - began) / 1e9,
                String.format(format, args));
    }

    // ---- The server ----------------------------------------------------------------------------------------

    /** Starts {@code serve} on a free port, its output in a log of its own; waits until it is ready. */
    private String start() throws Exception {
        Path log = logs.resolve("serve-" + ++starts + ".log");
        ProcessBuilder builder = new ProcessBuilder(CommandLineIT.java("serve", "--port", "0", "--data",
                data.toString())).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        // Wrong codes must stay counted failures, in one failure window: nothing is locked, nothing expires.
        builder.environment().putAll(Map.of("GATEHOUSE_LOCKOUT_THRESHOLD", "1000",
                "GATEHOUSE_LOCKOUT_SOURCE_THRESHOLD", "999", "GATEHOUSE_LOCKOUT_DURATION_SECONDS", "86400"));
        server = builder.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String base = null;
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("serve is running: %s", Files.readString(log)).isTrue();
            if (base == null) {
                Matcher running = RUNNING.matcher(Files.readString(log));
                base = running.find() ? running.group(1) : null;
            }
            if (base != null && ready(base)) {
                return base;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not become ready: " + Files.readString(log));
    }

    private boolean ready(String base) throws InterruptedException {
        try {
            return checked(http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** SIGKILL: the JVM ends at once, without its shutdown hook (which would print the stop line). */
    private void kill() throws Exception {
        ProcessHandle handle = server.toHandle();
        server.destroyForcibly();
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(handle.isAlive()).isFalse();
        assertThat(server.exitValue()).as("exit status of a process ended by SIGKILL").isEqualTo(128 + 9);
        assertThat(Files.readString(logs.resolve("serve-" + starts + ".log")))
                .doesNotContain("Gatehouse stopped");
    }

    // ---- Setup ---------------------------------------------------------------------------------------------

    /** Enrolls the users as a person would, {@link #THREADS} at a time: link, page, activation. */
    private List<Person> enroll(String base, String admin) throws Exception {
        int count = THREADS * USERS_PER_THREAD;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Person>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                // The first user of each thread (index % THREADS is the thread) is the one that only fails.
                boolean failing = index < THREADS;
                futures.add(pool.submit(() -> enrollOne(base, admin, index, failing)));
            }
            List<Person> people = new ArrayList<>();
            for (Future<Person> future : futures) {
                people.add(future.get(120, TimeUnit.SECONDS));
            }
            return people;
        } finally {
            pool.shutdownNow();
        }
    }

    private Person enrollOne(String base, String admin, int index, boolean failing) throws Exception {
        String username = "person-" + index;
        String id = send("POST", base + "/api/v1/users", admin, Map.of("username", username, "roles",
                List.of(ROLE)), 201).get("id").asText();
        String link = send("POST", base + "/api/v1/users/" + id + "/totp/enrollments", admin, Map.of(), 201)
                .get("enrollmentUrl").asText();
        HttpResponse<String> page = checked(http.send(HttpRequest.newBuilder(URI.create(link))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        Matcher uri = OTPAUTH.matcher(page.body());
        assertThat(uri.find()).as("the otpauth URI on the enrollment page").isTrue();
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri.group(1).replace("&amp;", "&"));
        Totp totp = new Totp(parsed.params(), parsed.secret());
        // The oldest step of the window: the later ten are then fresh.
        long step = lowestStep(System.currentTimeMillis());
        JsonNode activated = send("POST", link + "/activate", null, Map.of("code", totp.codeAt(step * PERIOD)),
                200);
        List<String> recovery = new ArrayList<>();
        activated.get("recoveryCodes").forEach(code -> recovery.add(code.asText()));
        return new Person(index, id, username, totp, step, recovery, failing);
    }

    private static long lowestStep(long nowMillis) {
        return Math.floorDiv(nowMillis + MARGIN_MILLIS, PERIOD * 1000L) - BEHIND;
    }

    private static long highestStep(long nowMillis) {
        return Math.floorDiv(nowMillis, PERIOD * 1000L) + AHEAD;
    }

    // ---- The load ------------------------------------------------------------------------------------------

    /**
     * {@link #THREADS} clients verify as fast as they can; once the load has run for {@link #LOAD} and at least
     * {@link #MIN_ANSWERED} checks were accepted, the server is killed. Returns the answers that came back whole.
     */
    private List<Answer> loadThenKill(String base, String verifier, List<Person> people) throws Exception {
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AssertionError> mismatches = new ConcurrentLinkedQueue<>();
        AtomicInteger accepted = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            List<Person> own = people.stream().filter(person -> person.index % THREADS == thread).toList();
            clients.add(Thread.ofPlatform().name("client-" + t).start(() -> {
                int cursor = 0;
                while (!stop.get()) {
                    Work work = null;
                    for (int tried = 0; work == null && tried < own.size(); tried++) {
                        work = next(own.get(cursor));
                        cursor = (cursor + 1) % own.size();
                    }
                    if (work == null) { // nothing fresh for anyone of this thread just now
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                        continue;
                    }
                    try {
                        HttpResponse<String> response = http.send(verification(base, verifier, work),
                                HttpResponse.BodyHandlers.ofString());
                        try {
                            OpenApiContract.get().check(response);
                        } catch (AssertionError mismatch) {
                            mismatches.add(mismatch); // failed below, on the test's thread
                        }
                        Answer answer = new Answer(work, response.statusCode(), JSON.readTree(response.body()));
                        answers.add(answer);
                        if (answer.accepted()) {
                            accepted.incrementAndGet();
                        }
                    } catch (IOException unanswered) {
                        // In flight at the kill, or sent after it: not answered, so not counted.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - started < LOAD.toNanos() || accepted.get() < MIN_ANSWERED) {
            assertThat(System.nanoTime()).as("%d checks accepted before the deadline", accepted.get())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        note("group commit so far: %s", commits(base));
        kill();
        stop.set(true);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(client.isAlive()).as(client.getName() + " ended").isFalse();
        }
        if (!mismatches.isEmpty()) {
            throw mismatches.peek();
        }
        return new ArrayList<>(answers);
    }

    /**
     * The next check for this person: a wrong code for the failing one (at most {@link #MAX_WRONG}); otherwise
     * every fourth a recovery code, else the next fresh step. Null when the person has nothing left to send.
     */
    private static Work next(Person person) {
        if (person.failing) {
            if (person.wrongSent >= MAX_WRONG) {
                return null;
            }
            person.wrongSent++;
            return new Work(person, Kind.WRONG, -1, wrongCode(person.totp));
        }
        long now = System.currentTimeMillis();
        long step = Math.max(person.lastStep + 1, lowestStep(now));
        boolean recoveryTurn = person.requests % 4 == 3 || step > highestStep(now);
        if (recoveryTurn && person.nextRecovery < person.recoveryCodes.size()) {
            person.requests++;
            return new Work(person, Kind.RECOVERY, -1, person.recoveryCodes.get(person.nextRecovery++));
        }
        if (step <= highestStep(now)) {
            person.requests++;
            person.lastStep = step;
            return new Work(person, Kind.TOTP, step, person.totp.codeAt(step * PERIOD));
        }
        return null;
    }

    /** A code of the right length that matches no step near now. */
    private static String wrongCode(Totp totp) {
        long nowStep = System.currentTimeMillis() / 1000 / PERIOD;
        Set<String> near = new HashSet<>();
        for (long step = nowStep - BEHIND - 2; step <= nowStep + AHEAD + 2; step++) {
            near.add(totp.codeAt(step * PERIOD));
        }
        int digits = totp.parameters().digits();
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%0" + digits + "d", candidate);
            if (!near.contains(code)) {
                return code;
            }
        }
    }

    private static HttpRequest verification(String base, String verifier, Work work) throws IOException {
        String path = work.kind() == Kind.RECOVERY ? "/api/v1/recovery/verify" : "/api/v1/totp/verify";
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + verifier).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("username",
                        work.person().username, "code", work.code())))).build();
    }

    // ---- After the restart ---------------------------------------------------------------------------------

    private void checkNothingLost(String base, String admin, String verifier, List<Person> people,
            List<Answer> answered) throws Exception {
        Map<Person, List<Answer>> byPerson = new HashMap<>();
        answered.forEach(answer -> byPerson.computeIfAbsent(answer.work().person(), p -> new ArrayList<>())
                .add(answer));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (Person person : people) {
                List<Answer> own = byPerson.getOrDefault(person, List.of());
                checks.add(pool.submit(() -> {
                    checkPerson(base, admin, verifier, person, own);
                    return null;
                }));
            }
            for (Future<?> check : checks) {
                try {
                    check.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AssertionError failed) {
                        throw failed;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        checkLastUsedSteps(people, byPerson);
    }

    private void checkPerson(String base, String admin, String verifier, Person person, List<Answer> answers)
            throws Exception {
        List<JsonNode> totpRecords = audit(base, admin, person.id, "totp.verify");
        if (person.failing) {
            long counted = answers.stream().filter(KillDuringLoadIT::expected).count();
            int failures = send("GET", base + "/api/v1/users/" + person.id, admin, null, 200).path("totp")
                    .path("consecutiveFailures").asInt();
            assertThat(failures).as("%s: counted failures after the restart", person.username)
                    .isBetween((int) counted, person.wrongSent);
            long recorded = totpRecords.stream().filter(r -> "invalid_code".equals(r.path("reason").asText()))
                    .count();
            assertThat(recorded).as("%s: audit records of counted failures", person.username)
                    .isBetween(counted, (long) person.wrongSent);
            return;
        }
        List<Long> auditedSteps = totpRecords.stream().filter(r -> "accepted".equals(r.path("result").asText()))
                .map(r -> r.path("details").path("timeStep").asLong()).toList();
        assertThat(auditedSteps).as("%s: one accepted record per step", person.username).doesNotHaveDuplicates();
        Set<Integer> auditedRemaining = new HashSet<>();
        audit(base, admin, person.id, "recovery.verify").stream()
                .filter(r -> "accepted".equals(r.path("result").asText()))
                .forEach(r -> auditedRemaining.add(r.path("details").path("remaining").asInt()));

        long now = System.currentTimeMillis();
        for (Answer answer : answers) {
            Work work = answer.work();
            if (work.kind() == Kind.TOTP) {
                assertThat(auditedSteps).as("%s: audit record of accepted step %d", person.username, work.step())
                        .contains(work.step());
                if (work.step() < lowestStep(now) || work.step() > highestStep(now)) {
                    continue; // out of the window now: checkLastUsedSteps covers it
                }
            } else {
                int remaining = answer.body().path("recoveryCodesRemaining").asInt();
                assertThat(auditedRemaining).as("%s: audit record of the recovery code that left %d",
                        person.username, remaining).contains(remaining);
            }
            HttpResponse<String> again = checked(http.send(verification(base, verifier, work),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(again.statusCode()).as("%s: %s %s again: %s", person.username, work.kind(), work.code(),
                    again.body()).isEqualTo(401);
            assertThat(JSON.readTree(again.body()).path("reason").asText()).as("%s: %s used again",
                    person.username, work.kind()).isEqualTo("replayed");
        }
    }

    /** The record of one user and action, newest first, over every page. */
    private List<JsonNode> audit(String base, String admin, String userId, String action) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        String before = "";
        while (true) {
            JsonNode page = send("GET", base + "/api/v1/audit?userId=" + userId + "&action=" + action
                    + "&limit=1000" + before, admin, null, 200);
            page.get("records").forEach(records::add);
            if (page.get("nextBefore").isNull()) {
                return records;
            }
            before = "&before=" + page.get("nextBefore").asLong();
        }
    }

    /** Steps now out of the window cannot be replayed over HTTP: the stored last step shows they are used. */
    private void checkLastUsedSteps(List<Person> people, Map<Person, List<Answer>> byPerson) throws Exception {
        Map<String, Long> lastUsed = new HashMap<>();
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        readOnly.setBusyTimeout(10_000);
        try (Connection connection = readOnly.createConnection("jdbc:sqlite:" + data.resolve("gatehouse.db"));
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT user_id, last_used_step FROM totp_credentials"
                        + " WHERE status = 'active'")) {
            while (rows.next()) {
                lastUsed.put(rows.getString(1), rows.getLong(2));
            }
        }
        for (Person person : people) {
            long highest = byPerson.getOrDefault(person, List.of()).stream()
                    .filter(answer -> answer.work().kind() == Kind.TOTP).mapToLong(answer -> answer.work().step())
                    .max().orElse(Long.MIN_VALUE);
            assertThat(lastUsed.get(person.id)).as("%s: last used step", person.username)
                    .isGreaterThanOrEqualTo(highest);
        }
    }

    /** Decisions per durable commit so far, from {@code /metrics} (information: how much the commits grouped). */
    private String commits(String base) throws Exception {
        String scrape = checked(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())).body();
        double groups = counter(scrape, "gatehouse_commit_groups_total");
        double decisions = counter(scrape, "gatehouse_commit_decisions_total");
        return String.format("%.0f decisions in %.0f commits", decisions, groups);
    }

    private static double counter(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------

    private JsonNode send(String method, String url, String token, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = checked(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(response.statusCode()).as("%s %s: %s", method, url, response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    /** Holds an answer of the server to the API contract, as the server tests do with theirs. */
    private static HttpResponse<String> checked(HttpResponse<String> response) {
        OpenApiContract.get().check(response);
        return response;
    }
}
