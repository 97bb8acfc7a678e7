package io.gatehouse.bench;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.ScanService;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.common.ClientInfo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full in-process door decisions per second (issue 3), each a real grant committed with its single-use record and
 * its audit record, on SQLite and on a durable PostgreSQL, beside the raw cost of one P-256 verification plus one
 * durable commit on the same database.
 *
 * <ul>
 *   <li>{@code scan}: {@link ScanService#scan}{@code (reader, payload, Optional.empty(), client)}, the decision
 *       {@code POST /api/v1/scans} makes once the reader is authenticated: one read of the credential (device, user
 *       and roles in one statement) and the signature verification before the transaction, then one transaction
 *       that reads the door with its zone's rules, reads the credential again, checks freshness, inserts the
 *       single-use record {@code (credential, nonce)} and the audit record; then commits. Every payload is a fresh
 *       proof signed before the iteration; a decision other than a grant throws and fails the run.</li>
 *   <li>{@code raw_verify_commit}: the floor: one P-256 verification on a ready {@code Signature} (as in
 *       {@link ProofVerifyBenchmark}) and then {@code database.inTransaction(INSERT one two-column row)}: the
 *       minimum a durable decision must do, in the same JVM, on the same database.</li>
 * </ul>
 *
 * Both with one thread and with four. The server is the real one ({@link Gatehouse#start}, so the audit sealer and
 * the replay pruning run in the background as in production) on a loopback port, set up through its admin API
 * ({@link DoorFixture}: a site, zone, door with default settings (30 s lifetime, 5 s skew), a rule for role
 * {@code staff}, a reader, 16 users with one enrolled device each); the measured scans are in-process calls. The
 * clock is the system clock, so the proofs (re-signed before each iteration, issued-at = now) are fresh.
 *
 * <p>The trial tear-down checks, and prints, that the database holds one granted {@code door.scan} audit record and
 * one single-use row per measured grant, all sealed, and one {@code bench_commit} row per raw commit. PostgreSQL is
 * started with {@code fsync=on} and {@code synchronous_commit=on} and checked, as in {@link DurableVerifyBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class DurableScanBenchmark {
    static final int DEVICES = 16;
    static final int SLOTS = 4;
    static final ClientInfo CLIENT = ClientInfo.local("bench");

    @org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Server {
        @Param({"sqlite", "postgres"})
        public String db;

        final Clock clock = Clock.systemUTC();
        Path dataDir;
        EmbeddedPostgres postgres;
        Gatehouse gatehouse;
        Database database;
        ScanService scans;
        Readers.Reader reader;
        DoorFixture.Door door;
        String durability;
        final List<Proofs.RawVerify> rawVerifiers = new ArrayList<>();
        final AtomicInteger slots = new AtomicInteger();
        final AtomicLong grants = new AtomicLong();
        final AtomicLong commits = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException, SQLException, InterruptedException {
            dataDir = Files.createTempDirectory("gatehouse-bench-scan-");
            DurableDatabase durable = DurableDatabase.open(db, dataDir);
            postgres = durable.postgres();
            Map<String, String> overrides = durable.overrides();
            // An empty environment, so that GATEHOUSE_* variables of the shell cannot change what is measured.
            gatehouse = Gatehouse.start(ConfigLoader.load(Map.of(), overrides), clock);
            database = gatehouse.services().core().database();
            scans = gatehouse.services().access().scans();
            durability = DurableVerifyBenchmark.Server.checkDurable(database);
            String token = gatehouse.services().auth().tokens().create("bench-admin", EnumSet.of(Scope.ADMIN), "bench",
                    CLIENT).token();
            door = new DoorFixture(gatehouse.baseUrl(), token).create(DEVICES, Map.of());
            // What Readers.authenticate returns for this reader's credential (generation 0: never provisioned).
            reader = new Readers.Reader(door.readerId(), door.doorId(), door.readerName(), 0);
            database.inTransaction(tx -> tx.update(
                    "CREATE TABLE bench_commit (slot INTEGER NOT NULL, n BIGINT NOT NULL)"));

            long now = clock.instant().getEpochSecond();
            for (int slot = 0; slot < SLOTS; slot++) {
                Proofs.Device device = door.devices().get(slot);
                rawVerifiers.add(new Proofs.RawVerify(device.keys().getPublic(), device.sign(now)));
            }
            // The path measured is the grant: a fresh proof is granted, the same proof again is a replay.
            String probe = door.devices().get(0).sign(now).toText();
            ScanService.Outcome first = scans.scan(reader, probe, Optional.empty(), CLIENT);
            ScanService.Outcome again = scans.scan(reader, probe, Optional.empty(), CLIENT);
            Proofs.require(first.granted() && !again.granted() && "replayed".equals(again.reason()),
                    "a fresh proof is granted (" + first.reason() + "), the same again is replayed (" + again.reason()
                            + ")");
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            try {
                gatehouse.services().core().audit().seal(database);
                long measured = grants.get();
                long auditGrants = count("SELECT COUNT(*) FROM audit_log WHERE action = 'door.scan'"
                        + " AND result = 'grant'");
                long auditOther = count("SELECT COUNT(*) FROM audit_log WHERE action = 'door.scan'"
                        + " AND result <> 'grant'");
                long unsealed = count("SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL");
                long replayRows = count("SELECT COUNT(*) FROM access_replay");
                long rows = count("SELECT COUNT(*) FROM bench_commit");
                System.out.printf("%n[gatehouse-bench] %s (%s): %d granted scans measured (+1 setup probe); audit log:"
                        + " %d door.scan grants, %d other (1 setup replay expected), %d unsealed records; %d single-use"
                        + " rows; %d raw commits, %d rows%n", db, durability, measured, auditGrants, auditOther,
                        unsealed, replayRows, commits.get(), rows);
                if (auditGrants != measured + 1 || auditOther != 1 || unsealed != 0 || replayRows != measured + 1
                        || rows != commits.get()) {
                    throw new IllegalStateException("the database does not hold what the benchmark committed (see"
                            + " the line above)");
                }
            } finally {
                gatehouse.close();
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

        ScanService.Outcome scanNext(Supply supply) {
            ScanService.Outcome outcome = scans.scan(reader, supply.pool.next(), Optional.empty(), CLIENT);
            if (!outcome.granted()) {
                throw new IllegalStateException("a fresh proof was denied: " + outcome.reason() + " ("
                        + outcome.detail() + ")");
            }
            grants.incrementAndGet();
            return outcome;
        }
    }

    /** The proofs the scans present; used only by the scan benchmarks, so the raw ones do not wait for signing. */
    @org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Supply {
        final Proofs.Pool pool = new Proofs.Pool();

        /** Fresh proofs for the next iteration, issued now (they stay valid 35 s; an iteration lasts 2 s). */
        @Setup(Level.Iteration)
        public void refill(Server server) {
            pool.refill(server.door.devices(), 8000, server.clock.instant().getEpochSecond());
        }
    }

    @org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Worker {
        int slot;
        long inserted;
        Proofs.RawVerify raw;

        @Setup(Level.Trial)
        public void claim(Server server) {
            slot = server.slots.getAndIncrement();
            if (slot >= SLOTS) {
                throw new IllegalStateException("more than " + SLOTS + " threads; raise SLOTS");
            }
            raw = server.rawVerifiers.get(slot);
        }

        int verifyAndCommit(Server server) {
            if (!raw.verify()) {
                throw new IllegalStateException("the raw verification failed");
            }
            long n = ++inserted;
            int rows = server.database.inTransaction(tx -> tx.update(
                    "INSERT INTO bench_commit (slot, n) VALUES (?, ?)", slot, n));
            server.commits.incrementAndGet();
            return rows;
        }
    }

    @Benchmark
    @Threads(1)
    public ScanService.Outcome scan(Server server, Supply supply) {
        return server.scanNext(supply);
    }

    @Benchmark
    @Threads(4)
    public ScanService.Outcome scan_4threads(Server server, Supply supply) {
        return server.scanNext(supply);
    }

    @Benchmark
    @Threads(1)
    public int raw_verify_commit(Server server, Worker worker) {
        return worker.verifyAndCommit(server);
    }

    @Benchmark
    @Threads(4)
    public int raw_verify_commit_4threads(Server server, Worker worker) {
        return worker.verifyAndCommit(server);
    }
}
