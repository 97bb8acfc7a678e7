package io.gatehouse.server;

import io.gatehouse.server.codes.CodeImageController;
import io.gatehouse.server.codes.CodeImages;
import io.gatehouse.server.http.AccessLog;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.alert.AlertEngine;
import io.gatehouse.server.auth.TokenController;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.http.BufferedBodies;
import io.gatehouse.server.http.EdgeFilters;
import io.gatehouse.server.http.ForwardedFor;
import io.gatehouse.server.http.HeadDeadline;
import io.gatehouse.server.http.JettyProblems;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.oidc.OidcProvider;
import io.gatehouse.server.install.Installation;
import io.gatehouse.server.install.ServeLock;
import io.gatehouse.server.reader.ReaderSyncController;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Gatehouse server: composes the features of {@link Services}, puts their routes on HTTP on the
 * configured port, and runs their background work on one thread. Tests start it on port 0 against a real
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
    private final ConsoleModule console;
    private final LoginRequests logins;
    private final OidcProvider oidc;
    private final AlertEngine alerts;
    private final VisitorsModule visitors;
    private final Javalin app;
    private final Links links;
    private final Routes routes;
    private final Background background;
    private final Optional<String> bootstrapUrl;
    private final ServeLock lock;
    private final boolean newInstallation;

    private Gatehouse(GatehouseConfig config, Services services, ConsoleModule console, LoginRequests logins,
            OidcProvider oidc, AlertEngine alerts, VisitorsModule visitors, Javalin app, Links links, Routes routes,
            Background background,
            Optional<String> bootstrapUrl, ServeLock lock, boolean newInstallation) {
        this.config = config;
        this.services = services;
        this.console = console;
        this.logins = logins;
        this.oidc = oidc;
        this.alerts = alerts;
        this.visitors = visitors;
        this.app = app;
        this.links = links;
        this.routes = routes;
        this.background = background;
        this.bootstrapUrl = bootstrapUrl;
        this.lock = lock;
        this.newInstallation = newInstallation;
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
        Core core = services.core();
        GatehouseConfig config = core.config();
        services.reader().bundleKeys().ensureActive();
        services.reader().mintingKeys().ensureActive();
        // Records an earlier run committed but did not link (it was killed) are linked before anything new.
        Background.guarded("audit sealing at start", core::sealAudit).run();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        bindCommitMetrics(registry, services.core().database());

        AccessLog access = new AccessLog(registry, LoggerFactory.getLogger("gatehouse.access"));
        Javalin app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            javalin.router.ignoreTrailingSlashes = true;
            configureJetty(javalin.jetty, config);
            javalin.requestLogger.http(access::record);
        });
        ProblemMapper.install(app, io.gatehouse.server.console.ConsoleErrors::write);
        EdgeFilters.install(app);
        ForwardedFor.install(app, config.trustedProxies());

        Links links = new Links(config.publicBaseUrl().orElse(null));
        Routes routes = new Routes(app);
        Web web = new Web(routes, new Authenticator(services.auth().tokens()), links, registry,
                config.maxBodyBytes());
        core.register(web);
        InsightModule insight = InsightModule.open(core, services.access().devices(), services.people().users(), web);
        insight.register(web);
        services.auth().register(web);
        services.people().register(web);
        services.totp().register(web);
        services.access().register(web);
        services.reader().register(web, services.access().readers());
        // Before the codes' own routes: /api/v1/codes/logo must not be taken for /api/v1/codes/{id}.
        new CodeImageController(routes, services.codes().codes(), new CodeImages(core.database(), core.audit(),
                core.clock()), web.auth());
        services.codes().register(web);
        PasskeyModule passkeys = PasskeyModule.open(core, services.people(), services.access(), web);
        passkeys.register(web);
        LoginModule login = LoginModule.open(core, passkeys, services.access(), web);
        login.register(web);
        OidcModule oidc = OidcModule.open(core, services, passkeys, login, web);
        oidc.register(web);
        AlertsModule alerts = AlertsModule.open(core, services.codes().geoIp());
        alerts.register(web);
        VisitorsModule visitors = VisitorsModule.open(core, services.people(), services.codes().codes(), web);
        visitors.register(web);
        alerts.mailThrough(visitors.outbox(), config, web.links()::to);
        KioskModule kiosk = KioskModule.open(core, services, new io.gatehouse.server.kiosk.HostMail(
                visitors.outbox(), services.people().users(), config.visitors().siteZone()), web);
        kiosk.register(web, core);
        visitors.passes().alsoErase(io.gatehouse.server.kiosk.PassBinding::erase);
        ConsoleModule console = ConsoleModule.open(core, services, passkeys, web);
        console.register(web, core, services, passkeys, insight, oidc.clients(), kiosk, alerts);

        app.start();
        links.listeningOn(config.bind(), app.port());

        Background background = new Background();
        core.schedule(background);
        insight.schedule(background);
        services.totp().schedule(background);
        services.access().schedule(background);
        services.codes().schedule(background);
        console.schedule(background);
        login.schedule(background);
        oidc.schedule(background);
        alerts.schedule(background);
        visitors.schedule(background);

        Optional<String> bootstrapUrl = services.auth().bootstrap().issueIfNeeded()
                .map(secret -> links.to(TokenController.BOOTSTRAP_PATH + secret));
        LOG.info("Gatehouse listening on {} ({})", links.base(), config);
        return new Gatehouse(config, services, console, login.requests(), oidc.provider(), alerts.engine(),
                visitors, app, links, routes, background, bootstrapUrl, lock, newInstallation);
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
        // And a kiosk's camera frames, and the logo of code images.
        int frameLimit = Math.max(maxBody, io.gatehouse.server.kiosk.CheckIns.MAX_FRAME_BYTES);
        int logoUploadLimit = Math.max(maxBody, CodeImages.MAX_LOGO_BYTES);
        BufferedBodies bodies = new BufferedBodies(path -> switch (path) {
            case "/api/v1/reader/events" -> eventUploadLimit;
            case io.gatehouse.server.kiosk.KioskPages.FRAMES_PATH -> frameLimit;
            case CodeImageController.LOGO_PATH -> logoUploadLimit;
            default -> maxBody;
        }, BODY_DEADLINE, BODY_GRACE, MIN_BODY_BYTES_PER_SECOND, BODY_BUDGET_BYTES);
        jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(MAX_HEAD_BYTES);
            http.setIdleTimeout(BLOCKING_IO_TIMEOUT.toMillis());
            http.setMinRequestDataRate(0);
            // Jetty remembers the header fields of a connection's earlier requests and, by default, matches a later
            // value against them ignoring case: a credential that differs from the one sent before only in case
            // would be read as that one. Field values are case-sensitive (RFC 9110, 5.5), secrets above all.
            http.setHeaderCacheCaseSensitive(true);
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

    /** The port HTTP listens on: the configured one, or the one the system chose when the configuration gave 0. */
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

    /** The console's sessions and access checks. */
    public ConsoleModule console() {
        return console;
    }

    /** The OpenID Connect provider (tests issue codes through it). */
    public OidcProvider oidc() {
        return oidc;
    }

    /** The anomaly rules' reader of the audit log (tests drive it to a known point). */
    public AlertEngine alerts() {
        return alerts;
    }

    public VisitorsModule visitors() {
        return visitors;
    }

    /** "Sign in with your phone": where a sign-in page spends a completion token. */
    public LoginRequests logins() {
        return logins;
    }

    /** True when this start created the installation (the database held no Gatehouse data before). */
    public boolean newInstallation() {
        return newInstallation;
    }

    public GatehouseConfig config() {
        return config;
    }

    /** Every registered route of the API and the pages it documents, as {@code "METHOD /path"}. */
    public List<String> routes() {
        return routes.all();
    }

    /** Ends the live audit streams, stops HTTP, seals what is left of the audit chain, and closes the database. */
    @Override
    public void close() {
        services.core().audit().feed().close();
        app.stop();
        background.close();
        visitors.close();
        try {
            services.core().sealAudit();
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
