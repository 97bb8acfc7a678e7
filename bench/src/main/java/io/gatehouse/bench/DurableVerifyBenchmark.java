package io.gatehouse.bench;

import io.gatehouse.protocol.codec.Base32;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.Services;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.totp.TotpEnrollments;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.totp.Verdict;
import io.gatehouse.server.user.User;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable TOTP verifications per second, beside the raw cost of one durable commit on the same database.
 *
 * <ul>
 *   <li>{@code durable_verify}: {@link io.gatehouse.server.totp.TotpVerifier#verifyTotp} of a correct code at a
 *       fresh time step: one transaction that locks the user row, reads the credential and the policy, decrypts
 *       the seed, matches, advances {@code last_used_step} by compare-and-set (the replay record) and inserts the
 *       audit record, then commits. Every verification must be accepted: a rejection throws and fails the run, and
 *       the trial tear-down checks the audit log holds exactly one accepted record per verification, all of them
 *       sealed into the chain.</li>
 *   <li>{@code raw_commit}: one {@code INSERT} of a two-column row through the same
 *       {@link Database#inTransaction}, on the same database, in the same JVM: the cost of one durable commit.</li>
 * </ul>
 *
 * Both run once with one thread and once with four ({@code _4threads}). As in the running server, the audit sealer
 * runs in the background every 250 ms during all of them.
 *
 * <p>Durability is checked, not assumed: SQLite must report {@code synchronous=FULL} (2) and WAL; PostgreSQL
 * {@code fsync=on} and {@code synchronous_commit=on}. The PostgreSQL server is embedded (zonky) but started here
 * with those settings, because its defaults (and so the test suite's server) run with {@code -F} (fsync off) and
 * {@code synchronous_commit=off}. Both databases keep their files under {@code java.io.tmpdir}, on the same disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class DurableVerifyBenchmark {

    /** Most threads any benchmark here uses; each gets its own users. */
    static final int SLOTS = 4;
    static final int USERS_PER_SLOT = 4;
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final ClientInfo CLIENT = ClientInfo.local("bench");
    static final Principal ADMIN = Principal.token("bench", "bench", Set.of(io.gatehouse.server.auth.Scope.ADMIN));

    /** An enrolled user and a generator for their codes (used only by the thread that owns the user). */
    record Enrolled(String username, Totp totp, int periodSeconds) {
    }

    @State(Scope.Benchmark)
    public static class Server {
        @Param({"sqlite", "postgres"})
        public String db;

        Path dataDir;
        EmbeddedPostgres postgres;
        PerThreadClock clock;
        Services services;
        Database database;
        final List<Enrolled> enrolled = new ArrayList<>();
        final AtomicInteger slots = new AtomicInteger();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final AtomicLong sealed = new AtomicLong();
        final AtomicReference<Throwable> sealerFailure = new AtomicReference<>();
        ScheduledExecutorService sealer;
        String durability;

        @Setup(Level.Trial)
        public void open() throws IOException, SQLException {
            dataDir = Files.createTempDirectory("gatehouse-bench-");
            DurableDatabase durable = DurableDatabase.open(db, dataDir);
            postgres = durable.postgres();
            Map<String, String> overrides = durable.overrides();
            clock = new PerThreadClock(START);
            // An empty environment, so that GATEHOUSE_* variables of the shell cannot change what is measured.
            services = Services.open(ConfigLoader.load(Map.of(), overrides), clock);
            database = services.core().database();
            durability = checkDurable(database);

            database.inTransaction(tx -> tx.update("CREATE TABLE bench_commit (slot INTEGER NOT NULL, n BIGINT NOT NULL)"));
            for (int i = 0; i < SLOTS * USERS_PER_SLOT; i++) {
                enrolled.add(enroll(services, clock, "bench-user-" + i));
            }
            services.core().audit().seal(database);

            // What Gatehouse.start schedules: link newly committed audit records into the chain every 250 ms.
            sealer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "bench-audit-sealer");
                thread.setDaemon(true);
                return thread;
            });
            sealer.scheduleWithFixedDelay(() -> {
                try {
                    sealed.addAndGet(services.core().audit().seal(database));
                } catch (Throwable e) {
                    sealerFailure.compareAndSet(null, e);
                }
            }, 250, 250, TimeUnit.MILLISECONDS);
        }

        /** Creates a user with an active TOTP credential, the way an administrator and the user would. */
        static Enrolled enroll(Services services, java.time.Clock clock, String username) {
            User user = services.people().users().create(username, List.of("staff"), ADMIN, CLIENT);
            TotpEnrollments.Created link = services.totp().enrollments().create(user.id(), ADMIN, CLIENT);
            TotpEnrollments.View view = services.totp().enrollments().view(link.token(), CLIENT);
            Totp totp = new Totp(view.parameters(), Base32.decode(view.secretBase32()));
            TotpEnrollments.Activation activation = services.totp().enrollments().activate(link.token(),
                    totp.codeAt(clock.instant().getEpochSecond()), CLIENT);
            if (!(activation instanceof TotpEnrollments.Activation.Activated)) {
                throw new IllegalStateException("enrollment of " + username + " failed: " + activation);
            }
            return new Enrolled(username, totp, view.parameters().periodSeconds());
        }

        static String checkDurable(Database database) {
            if (database.dialect() == Dialect.SQLITE) {
                String synchronous = database.read(tx -> tx.queryOne("PRAGMA synchronous", rs -> rs.getString(1)))
                        .orElseThrow();
                String journal = database.read(tx -> tx.queryOne("PRAGMA journal_mode", rs -> rs.getString(1)))
                        .orElseThrow();
                if (!"2".equals(synchronous) || !"wal".equalsIgnoreCase(journal)) {
                    throw new IllegalStateException("SQLite is not durable as configured: synchronous=" + synchronous
                            + ", journal_mode=" + journal);
                }
                return "SQLite journal_mode=" + journal + ", synchronous=FULL";
            }
            String fsync = database.read(tx -> tx.queryOne("SHOW fsync", rs -> rs.getString(1))).orElseThrow();
            String commit = database.read(tx -> tx.queryOne("SHOW synchronous_commit", rs -> rs.getString(1)))
                    .orElseThrow();
            String method = database.read(tx -> tx.queryOne("SHOW wal_sync_method", rs -> rs.getString(1)))
                    .orElseThrow();
            if (!"on".equals(fsync) || !"on".equals(commit)) {
                throw new IllegalStateException("PostgreSQL is not durable as configured: fsync=" + fsync
                        + ", synchronous_commit=" + commit);
            }
            return "PostgreSQL fsync=" + fsync + ", synchronous_commit=" + commit + ", wal_sync_method=" + method;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException, InterruptedException {
            try {
                sealer.shutdown();
                if (!sealer.awaitTermination(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the audit sealer did not stop");
                }
                if (sealerFailure.get() != null) {
                    throw new IllegalStateException("the background audit sealer failed", sealerFailure.get());
                }
                sealed.addAndGet(services.core().audit().seal(database));
                long verifications = accepted.get();
                long auditAccepted = count("SELECT COUNT(*) FROM audit_log WHERE action = 'totp.verify'"
                        + " AND result = 'accepted'");
                long auditOther = count("SELECT COUNT(*) FROM audit_log WHERE action = 'totp.verify'"
                        + " AND result <> 'accepted'");
                long unsealed = count("SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL");
                long rows = count("SELECT COUNT(*) FROM bench_commit");
                System.out.printf("%n[gatehouse-bench] %s (%s): %d accepted verifications; audit log: %d accepted"
                                + " totp.verify records, %d other, %d sealed during the run, %d unsealed;"
                                + " %d raw commits, %d rows%n",
                        db, durability, verifications, auditAccepted, auditOther, sealed.get(), unsealed,
                        commits.get(), rows);
                if (auditAccepted != verifications || auditOther != 0 || unsealed != 0
                        || sealed.get() != verifications || rows != commits.get()) {
                    throw new IllegalStateException("the database does not hold what the benchmark committed (see"
                            + " the line above)");
                }
            } finally {
                services.close();
                if (postgres != null) {
                    postgres.close();
                }
                try (Stream<Path> paths = Files.walk(dataDir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }

        private long count(String sql) {
            return database.read(tx -> tx.queryLong(sql));
        }
    }

    /** One JMH thread: its own users and its own simulated time. */
    @State(Scope.Thread)
    public static class Worker {
        int slot;
        Enrolled[] users;
        int next;
        long nowMillis;
        long inserted;

        @Setup(Level.Trial)
        public void claim(Server server) {
            slot = server.slots.getAndIncrement();
            if (slot >= SLOTS) {
                throw new IllegalStateException("more than " + SLOTS + " threads; raise SLOTS");
            }
            users = server.enrolled.subList(slot * USERS_PER_SLOT, (slot + 1) * USERS_PER_SLOT)
                    .toArray(new Enrolled[0]);
            nowMillis = server.clock.startMillis();
        }

        /** The next user, at a time step later than any this user has used: one period later per round. */
        Verdict verifyNext(Server server) {
            if (next == 0) {
                nowMillis += TimeUnit.SECONDS.toMillis(users[0].periodSeconds());
            }
            Enrolled user = users[next];
            next = (next + 1) % users.length;
            server.clock.set(nowMillis);
            String code = user.totp().codeAt(nowMillis / 1000);
            Verdict verdict = server.services.totp().verifier().verifyTotp(new TotpVerifier.Verification(
                    user.username(), code, "app:bench", CLIENT));
            if (!verdict.accepted()) {
                throw new IllegalStateException("verification of " + user.username() + " at "
                        + Instant.ofEpochMilli(nowMillis) + " was rejected: " + verdict.reason());
            }
            server.accepted.incrementAndGet();
            return verdict;
        }

        int commitOne(Server server) {
            long n = ++inserted;
            int rows = server.database.inTransaction(tx -> tx.update(
                    "INSERT INTO bench_commit (slot, n) VALUES (?, ?)", slot, n));
            server.commits.incrementAndGet();
            return rows;
        }
    }

    @Benchmark
    @Threads(1)
    public Verdict durable_verify(Server server, Worker worker) {
        return worker.verifyNext(server);
    }

    @Benchmark
    @Threads(4)
    public Verdict durable_verify_4threads(Server server, Worker worker) {
        return worker.verifyNext(server);
    }

    @Benchmark
    @Threads(1)
    public int raw_commit(Server server, Worker worker) {
        return worker.commitOne(server);
    }

    @Benchmark
    @Threads(4)
    public int raw_commit_4threads(Server server, Worker worker) {
        return worker.commitOne(server);
    }
}
