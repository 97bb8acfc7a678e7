package io.gatehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The real server as the load generators run it: {@code gatehouse serve} from the dist jar as its own process on a
 * data directory, on loopback, its output in {@code DIR/server.log}; and its resident memory ({@code VmRSS} of
 * {@code /proc/PID/status}) sampled every 100 ms, the peak overall and since the last {@link #resetStepPeak()}.
 */
final class LoadServer implements AutoCloseable {
    private final String javaBin;
    private final Path jar;
    private final List<String> serverOpts;
    private final Path data;
    /** GATEHOUSE_* variables the server and the admin command get (the PostgreSQL connection); empty for SQLite. */
    private final java.util.Map<String, String> environment;
    private Process process;
    private Thread sampler;
    private volatile long rssPeakKb;
    private volatile long stepRssPeakKb;

    LoadServer(String javaBin, Path jar, List<String> serverOpts, Path data) {
        this(javaBin, jar, serverOpts, data, java.util.Map.of());
    }

    LoadServer(String javaBin, Path jar, List<String> serverOpts, Path data, java.util.Map<String, String> environment) {
        this.javaBin = javaBin;
        this.jar = jar;
        this.serverOpts = serverOpts;
        this.data = data;
        this.environment = java.util.Map.copyOf(environment);
    }

    /** The variables that point a server at the database of {@code database} (none for SQLite). */
    static java.util.Map<String, String> environmentOf(DurableDatabase database) {
        java.util.Map<String, String> variables = new java.util.HashMap<>();
        database.overrides().forEach((key, value) -> {
            if (key.startsWith("db.")) {
                variables.put("GATEHOUSE_" + key.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT),
                        value);
            }
        });
        return variables;
    }

    static void requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with"
                    + " ./mvnw -q -B -DskipTests package -pl dist -am");
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaBin);
        command.add("--enable-native-access=ALL-UNNAMED");
        return command;
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        // Only this generator configures the server: no GATEHOUSE_* variable of this shell leaks in.
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        builder.environment().putAll(environment);
        return builder;
    }

    /**
     * {@code gatehouse admin token create} in a separate JVM while the server runs (the data directory is an
     * installation only once {@code serve} has made it one); returns the token.
     */
    String adminToken() throws IOException, InterruptedException {
        List<String> command = command();
        command.addAll(List.of("-jar", jar.toString(), "admin", "token", "create", "--data", data.toString(),
                "--name", "bench"));
        Process admin = builder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = admin.getInputStream().readAllBytes();
        if (!admin.waitFor(60, TimeUnit.SECONDS) || admin.exitValue() != 0) {
            admin.destroyForcibly();
            throw new IllegalStateException("admin token create failed: " + new String(out, StandardCharsets.UTF_8));
        }
        String[] lines = new String(out, StandardCharsets.UTF_8).strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** Starts {@code gatehouse serve} on a free loopback port, waits for {@code /health/live}, starts sampling. */
    URI start(HttpClient http) throws IOException, InterruptedException {
        return start(http, false);
    }

    /**
     * As {@link #start(HttpClient)}, but the server's public base URL, and the URI returned, is
     * {@code http://localhost:PORT}: WebAuthn takes a host name as the relying party, never an IP address.
     */
    URI startOnLocalhost(HttpClient http) throws IOException, InterruptedException {
        return start(http, true);
    }

    private URI start(HttpClient http, boolean localhost) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = command();
        command.addAll(serverOpts);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--data", data.toString()));
        URI base = URI.create("http://" + (localhost ? "localhost" : "127.0.0.1") + ":" + port);
        ProcessBuilder builder = builder(command);
        if (localhost) {
            builder.environment().put("GATEHOUSE_PUBLIC_BASE_URL", base.toString());
        }
        // The server refuses a data directory with files other users can read: the log is private from the start.
        Path log = Files.createFile(data.resolve("server.log"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        waitLive(http, base);
        sampler = startRssSampler(process.pid());
        return base;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void waitLive(HttpClient http, URI base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; see its log");
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

    long pid() {
        return process.pid();
    }

    long rssKb() {
        return rssKb(pid());
    }

    /**
     * The CPU time the server process has used so far (user and system, all threads), in milliseconds, from
     * {@code /proc/PID/stat} (clock ticks of 10 ms, the Linux default); -1 if it has gone. Divided by the work done
     * between two readings it gives a cost per request that depends much less on what else the machine runs than
     * a rate does.
     */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            // The command name (field 2) may hold spaces; fields 14 and 15 (utime, stime) follow its ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** The server's CPU time per good answer of a phase (it includes the two metric scrapes around it). */
    static String cpuPer(long cpuMillis, long answered, String what) {
        return answered == 0 || cpuMillis < 0 ? "server CPU n/a" : String.format(java.util.Locale.ROOT,
                "server CPU %.0f µs per %s", cpuMillis * 1000.0 / answered, what);
    }

    /** Group-commit counters from {@code /metrics}; null fields when the server does not export them. */
    record Commits(Double groups, Double decisions) {
        /** Commits (fsyncs) per second and decisions per commit between this reading and {@code later}. */
        String between(Commits later, double seconds) {
            if (groups == null || later.groups == null || decisions == null || later.decisions == null) {
                return "no commit pipeline (one commit per decision)";
            }
            double g = later.groups - groups;
            double d = later.decisions - decisions;
            return String.format(java.util.Locale.ROOT, "%.0f commits/s, mean group %.1f", g / seconds,
                    g == 0 ? 0 : d / g);
        }
    }

    /** The group-commit counters the server exports now (SQLite; PostgreSQL has none). */
    static Commits commits(HttpClient http, URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return new Commits(null, null);
        }
        return new Commits(counter(response.body(), "gatehouse_commit_groups_total"),
                counter(response.body(), "gatehouse_commit_decisions_total"));
    }

    /** The sum of a Prometheus counter's samples, or null if it is absent. */
    private static Double counter(String scrape, String name) {
        Double sum = null;
        for (String line : scrape.split("\n")) {
            boolean labelled = line.startsWith(name + "{");
            if (labelled || line.startsWith(name + " ")) {
                String rest = line.substring(labelled ? line.indexOf('}') + 1 : name.length()).trim();
                sum = (sum == null ? 0 : sum) + Double.parseDouble(rest.split("\\s+")[0]);
            }
        }
        return sum;
    }

    /** {@code VmRSS} of process {@code pid} in KiB, or -1 if it has gone. */
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
        Thread thread = daemon("rss-sampler").newThread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long rss = rssKb();
                rssPeakKb = Math.max(rssPeakKb, rss);
                stepRssPeakKb = Math.max(stepRssPeakKb, rss);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        thread.start();
        return thread;
    }

    void stopSampling() {
        sampler.interrupt();
    }

    long rssPeakKb() {
        return rssPeakKb;
    }

    void resetStepPeak() {
        stepRssPeakKb = 0;
    }

    long stepRssPeakKb() {
        return stepRssPeakKb;
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the data directory, but keeps it and its {@code server.log} if asked to. */
    static void delete(Path data, boolean keepLog) throws IOException {
        try (Stream<Path> paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder())
                    .filter(p -> !keepLog || !(p.getFileName().toString().equals("server.log") || p.equals(data)))
                    .forEach(p -> p.toFile().delete());
        }
    }

    static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
