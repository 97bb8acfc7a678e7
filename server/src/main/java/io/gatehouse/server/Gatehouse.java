package io.gatehouse.server;

import io.gatehouse.server.access.AccessController;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.ScanService;
import io.gatehouse.server.access.SiteAdmin;
import io.gatehouse.server.audit.AuditController;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.ApiTokens;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Bootstrap;
import io.gatehouse.server.auth.TokenController;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.DeviceController;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.http.BufferedBodies;
import io.gatehouse.server.http.EdgeFilters;
import io.gatehouse.server.http.HeadDeadline;
import io.gatehouse.server.http.JettyProblems;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.install.Installation;
import io.gatehouse.server.install.ServeLock;
import io.gatehouse.server.ops.OpsController;
import io.gatehouse.server.policy.PolicyController;
import io.gatehouse.server.reader.BundleKeys;
import io.gatehouse.server.reader.ReaderSync;
import io.gatehouse.server.reader.ReaderSyncController;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.Lockout;
import io.gatehouse.server.totp.RecoveryCodes;
import io.gatehouse.server.totp.TotpController;
import io.gatehouse.server.totp.TotpEnrollments;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.user.UserController;
import io.gatehouse.server.user.UserService;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Gatehouse server: wires the features, starts HTTP on the configured port, and runs the background
 * work (sealing the audit chain, ending expired enrollment links). Tests start it on port 0 against a real
 * database; {@link #close()} stops everything.
 */
public final class Gatehouse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gatehouse.class);
    /** Request line and headers together; Jetty answers 414 or 431 beyond it. */
    static final int MAX_HEAD_BYTES = 8 * 1024;
    static final Duration HEAD_DEADLINE = Duration.ofSeconds(10);
    static final Duration BODY_DEADLINE = Duration.ofSeconds(20);
    static final long MIN_BODY_BYTES_PER_SECOND = 1024;
    /** Any body may take this long before the minimum rate applies. */
    static final Duration BODY_GRACE = Duration.ofSeconds(2);
    /** Bytes all bodies being received may hold together: a thousand maximal bodies at the default limit. */
    static final long BODY_BUDGET_BYTES = 64L * 1024 * 1024;
    /** A connection with no traffic at all. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** A blocked write of an answer to a client that does not read. */
    static final Duration BLOCKING_IO_TIMEOUT = Duration.ofSeconds(10);

    private final GatehouseConfig config;
    private final Services services;
    private final Javalin app;
    private final Links links;
    private final Routes routes;
    private final ScheduledExecutorService background;
    private final Optional<String> bootstrapUrl;
    private final ServeLock lock;
    private final boolean newInstallation;

    private Gatehouse(GatehouseConfig config, Services services, Javalin app, Links links, Routes routes,
            ScheduledExecutorService background, Optional<String> bootstrapUrl, ServeLock lock,
            boolean newInstallation) {
        this.config = config;
        this.services = services;
        this.app = app;
        this.links = links;
        this.routes = routes;
        this.background = background;
        this.bootstrapUrl = bootstrapUrl;
        this.lock = lock;
        this.newInstallation = newInstallation;
    }

    /** Everything with state, built once from the configuration; also used by the command line without HTTP. */
    public record Services(GatehouseConfig config, Clock clock, SecureRandom random, Database database,
            MasterKeyring keyring, SecretBox secrets, AuditLog audit, ApiTokens tokens, Bootstrap bootstrap,
            UserService users, PolicyService policies, RecoveryCodes recoveryCodes, TotpEnrollments enrollments,
            TotpVerifier verifier, SiteAdmin sites, Readers readers, Devices devices, ScanService scans,
            BundleKeys bundleKeys, ReaderSync readerSync) implements AutoCloseable {

        /**
         * Opens the key file and the database (migrating it) and builds the services; a new installation is created
         * first (data directory, database file and key file, all private to their owner).
         */
        public static Services open(GatehouseConfig config, Clock clock) {
            return open(Installation.inspect(config), clock);
        }

        /**
         * Opens an existing installation and refuses when there is none, creating nothing: for the commands other
         * than {@code serve}, so that a mistyped {@code --data} does not become a new, empty installation.
         */
        public static Services openExisting(GatehouseConfig config, Clock clock) {
            Installation installation = Installation.inspect(config);
            installation.requireExisting();
            return open(installation, clock);
        }

        private static Services open(Installation installation, Clock clock) {
            GatehouseConfig config = installation.config();
            SecureRandom random = new SecureRandom();
            Installation.Prepared prepared = installation.prepare(random);
            MasterKeyring keyring = prepared.keyring();
            Database database = openCoveredByKeys(config, prepared, clock);
            try {
                SecretBox secrets = new SecretBox(keyring, random);
                AuditLog audit = new AuditLog(keyring, clock, random, auditHeadFile(config));
                ApiTokens tokens = new ApiTokens(database, audit, clock, random);
                UserService users = new UserService(database, audit, clock, random);
                PolicyService policies = new PolicyService(database, audit, clock);
                RecoveryCodes recoveryCodes = new RecoveryCodes(keyring, clock, random);
                TotpEnrollments enrollments = new TotpEnrollments(database, audit, secrets, policies, users,
                        recoveryCodes, clock, random, config.issuer());
                BundleKeys bundleKeys = new BundleKeys(database, secrets, audit, clock, random);
                TotpVerifier verifier = new TotpVerifier(database, audit, secrets, policies, recoveryCodes, clock,
                        Lockout.of(config));
                return new Services(config, clock, random, database, keyring, secrets, audit, tokens,
                        new Bootstrap(database, tokens, audit, clock, random), users, policies, recoveryCodes,
                        enrollments, verifier, new SiteAdmin(database, audit, clock, random),
                        new Readers(database, audit, clock, random), new Devices(database, audit, users, clock, random),
                        new ScanService(database, audit, clock), bundleKeys,
                        new ReaderSync(database, audit, bundleKeys, clock, random));
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
        }

        /** Opens and migrates the database and checks the keys against it; what this start created goes on failure. */
        private static Database openCoveredByKeys(GatehouseConfig config, Installation.Prepared prepared,
                Clock clock) {
            Database database = null;
            try {
                database = Database.open(config);
                checkKeysCoverData(database, prepared.keyring(), config, clock);
                return database;
            } catch (RuntimeException e) {
                if (database != null) {
                    database.close();
                }
                prepared.undo();
                throw e;
            }
        }

        @Override
        public void close() {
            database.close();
        }
    }

    /**
     * Refuses to run with a key file that cannot read the data already stored: a fresh key beside an old database
     * would make every stored secret unreadable and every audit record look forged. Each key that has protected
     * data here left a check value (a MAC of a fixed text); each must still match, byte for byte.
     */
    private static void checkKeysCoverData(Database database, MasterKeyring keyring, GatehouseConfig config,
            Clock clock) {
        database.inTransaction(tx -> {
            List<Object[]> checks = tx.query("SELECT key_id, check_mac FROM master_key_checks",
                    rs -> new Object[] {rs.getString(1), rs.getBytes(2)});
            java.util.Set<String> checked = new java.util.HashSet<>();
            for (Object[] check : checks) {
                String keyId = (String) check[0];
                checked.add(keyId);
                if (!keyring.contains(keyId) || !java.security.MessageDigest.isEqual(keyCheck(keyring, keyId),
                        (byte[]) check[1])) {
                    throw new CryptoException("the database holds data protected by master key '" + keyId + "',"
                            + " which " + (keyring.contains(keyId) ? "differs from the key of that id in "
                            : "is not in ") + config.masterKeyFile() + "; restore the right key file or point"
                            + " GATEHOUSE_MASTER_KEY_FILE at it");
                }
            }
            for (String keyId : keyring.keyIds()) {
                if (!checked.contains(keyId)) {
                    tx.update("INSERT INTO master_key_checks (key_id, check_mac, created_at) VALUES (?, ?, ?)",
                            keyId, keyCheck(keyring, keyId), clock.millis());
                }
            }
            return null;
        });
    }

    /** Where this node records the last audit chain head it linked: beside its data, outside the database. */
    public static java.nio.file.Path auditHeadFile(GatehouseConfig config) {
        return config.dataDirectory().resolve("audit-head");
    }

    private static byte[] keyCheck(MasterKeyring keyring, String keyId) {
        return keyring.derive(keyId, "key-check");
    }

    public static Gatehouse start(GatehouseConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Checks the installation (creating nothing yet), locks the data directory for as long as this server runs,
     * creates a new installation when there is none, and starts. A second server on the same data directory is
     * refused; a second node on a shared PostgreSQL database needs a data directory of its own.
     */
    public static Gatehouse start(GatehouseConfig config, Clock clock) {
        Installation installation = Installation.inspect(config);
        installation.createDirectory();
        ServeLock lock = ServeLock.acquire(config.dataDirectory());
        try {
            Services services = Services.open(installation, clock);
            try {
                return start(services, lock, installation.isNew());
            } catch (RuntimeException e) {
                services.close();
                throw e;
            }
        } catch (RuntimeException e) {
            lock.close();
            installation.removeCreatedDirectory();
            throw e;
        }
    }

    private static Gatehouse start(Services services, ServeLock lock, boolean newInstallation) {
        GatehouseConfig config = services.config();
        services.bundleKeys().ensureActive();
        // Records an earlier run committed but did not link (it was killed) are linked before anything new.
        guarded("audit sealing at start", () -> services.audit().seal(services.database())).run();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        bindCommitMetrics(registry, services.database());

        Logger access = LoggerFactory.getLogger("gatehouse.access");
        Javalin app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            javalin.router.ignoreTrailingSlashes = true;
            configureJetty(javalin.jetty, config);
            javalin.requestLogger.http((ctx, millis) -> {
                // The route template, never the raw path: paths of enrollment and bootstrap links hold secrets.
                String route = routeOf(ctx);
                Timer.builder("gatehouse.http.requests").tag("method", ctx.method().name()).tag("route", route)
                        .tag("status", String.valueOf(ctx.statusCode())).register(registry)
                        .record(Duration.ofNanos((long) (millis * 1_000_000)));
                access.info("{} {} {} {}ms", ctx.method(), route, ctx.statusCode(), String.format("%.1f", millis));
            });
        });
        ProblemMapper.install(app);
        EdgeFilters.install(app);

        Links links = new Links(config.publicBaseUrl().orElse(null));
        Authenticator auth = new Authenticator(services.tokens());
        Routes routes = new Routes(app);
        int maxBody = config.maxBodyBytes();
        new OpsController(services.database(), registry).register(routes);
        new io.gatehouse.server.ops.ApiDocsController().register(routes);
        new TokenController(services.tokens(), services.bootstrap(), auth, maxBody).register(routes);
        new UserController(services.users(), services.policies(), services.database(), auth, maxBody)
                .register(routes);
        new PolicyController(services.policies(), auth, maxBody).register(routes);
        new TotpController(services.enrollments(), services.verifier(), auth, links, maxBody,
                (kind, verdict) -> Counter.builder("gatehouse.verifications").tag("kind", kind)
                        .tag("result", verdict.result()).tag("reason", verdict.accepted() ? "" : verdict.reason())
                        .register(registry).increment())
                .register(routes);
        new AuditController(services.database(), auth).register(routes);
        new AccessController(services.sites(), services.readers(), services.scans(), auth, maxBody).register(routes,
                (decision, reason) -> Counter.builder("gatehouse.scans").tag("decision", decision)
                        .tag("reason", reason == null ? "" : reason).register(registry).increment());
        new DeviceController(services.devices(), auth, links, maxBody).register(routes);
        new ReaderSyncController(services.readerSync(), services.readers(), auth, links, maxBody).register(routes);

        app.start();
        links.listeningOn(config.bind(), app.port());

        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-background");
            thread.setDaemon(true);
            return thread;
        });
        // Frequent, small sealing passes: each holds SQLite's write lock only briefly.
        background.scheduleWithFixedDelay(guarded("audit sealing", () -> services.audit().seal(services.database())),
                100, 100, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(guarded("enrollment expiry", services.enrollments()::expireDue),
                5, 30, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(guarded("replay record pruning", services.scans()::pruneReplayRecords),
                60, 60, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(guarded("second-factor throttle sweep",
                services.verifier()::sweepThrottles), 15, 15, TimeUnit.SECONDS);

        Optional<String> bootstrapUrl = services.bootstrap().issueIfNeeded()
                .map(secret -> links.to(TokenController.BOOTSTRAP_PATH + secret));
        LOG.info("Gatehouse listening on {} ({})", links.base(), config);
        return new Gatehouse(config, services, app, links, routes, background, bootstrapUrl, lock, newInstallation);
    }

    /**
     * The connector and its limits. Slow clients cost a connection, never a worker thread: request heads are
     * parsed as bytes arrive and must be complete within {@link #HEAD_DEADLINE}; bodies are received without a
     * thread ({@link BufferedBodies}) and must be complete within {@link #BODY_DEADLINE}, at no less than
     * {@link #MIN_BODY_BYTES_PER_SECOND} after {@link #BODY_GRACE}. Jetty's own minimum data rate is off: it measures
     * from a body's first byte to each read, so under load a two-byte body read a few milliseconds after it
     * arrived was refused with 408.
     */
    private static void configureJetty(io.javalin.config.JettyConfig jetty, GatehouseConfig config) {
        JettyProblems problems = new JettyProblems(MAX_HEAD_BYTES);
        int maxBody = config.maxBodyBytes();
        // Event uploads may be larger than other bodies.
        int eventUploadLimit = Math.max(maxBody, ReaderSyncController.EVENT_UPLOAD_MAX_BYTES);
        BufferedBodies bodies = new BufferedBodies(path -> "/api/v1/reader/events".equals(path) ? eventUploadLimit
                : maxBody, BODY_DEADLINE, BODY_GRACE, MIN_BODY_BYTES_PER_SECOND, BODY_BUDGET_BYTES);
        jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(MAX_HEAD_BYTES);
            http.setIdleTimeout(BLOCKING_IO_TIMEOUT.toMillis());
            http.setMinRequestDataRate(0);
        });
        jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(config.bind());
            connector.setPort(config.port());
            connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
            connector.addBean(new HeadDeadline(HEAD_DEADLINE));
            return connector;
        });
        jetty.modifyServer(server -> server.setErrorHandler(problems));
        jetty.modifyServletContextHandler(context -> {
            context.setErrorHandler(problems);
            FilterHolder holder = new FilterHolder(bodies);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        });
    }

    /**
     * Group-commit counters (SQLite): commits, the decisions they carried, and the largest group, so that an
     * operator sees how many decisions share one fsync.
     */
    private static void bindCommitMetrics(PrometheusMeterRegistry registry, Database database) {
        if (database.pipelineStats().isEmpty()) {
            return;
        }
        io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.commit.groups", database,
                db -> db.pipelineStats().orElseThrow().groups())
                .description("transactions committed by the decision pipeline (one fsync each)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.commit.decisions", database,
                db -> db.pipelineStats().orElseThrow().decisions())
                .description("decisions committed by the decision pipeline").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.commit.failed.decisions", database,
                db -> db.pipelineStats().orElseThrow().failedDecisions())
                .description("decisions rolled back alone inside their group").register(registry);
        io.micrometer.core.instrument.Gauge.builder("gatehouse.commit.largest.group", database,
                db -> db.pipelineStats().orElseThrow().largestGroup())
                .description("the most decisions one commit has carried").register(registry);
    }

    /** The matched route template, or "unmatched" for requests no route took. */
    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            return ctx.endpointHandlerPath();
        } catch (IllegalStateException noEndpoint) {
            return "unmatched";
        }
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("background task '{}' failed; it will run again", what, e);
            }
        };
    }

    public int port() {
        return app.port();
    }

    /** The base of every link this server hands out. */
    public URI baseUrl() {
        return links.base();
    }

    /** The one-time link for creating the first administrator, when none exists yet. */
    public Optional<String> bootstrapUrl() {
        return bootstrapUrl;
    }

    public Services services() {
        return services;
    }

    /** True when this start created the installation (the database held no Gatehouse data before). */
    public boolean newInstallation() {
        return newInstallation;
    }

    public GatehouseConfig config() {
        return config;
    }

    /** Every registered route, as {@code "METHOD /path"}. */
    public List<String> routes() {
        return routes.all();
    }

    /** Stops HTTP, seals what is left of the audit chain, and closes the database. */
    @Override
    public void close() {
        app.stop();
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            services.audit().seal(services.database());
        } catch (RuntimeException e) {
            LOG.error("final audit sealing failed; the next start seals the rest", e);
        }
        try {
            services.close();
        } finally {
            lock.close();
        }
    }
}
