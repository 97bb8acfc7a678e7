package io.gatehouse.server.ops;

import io.gatehouse.server.db.Database;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Health probes, Prometheus metrics and the OpenAPI document. */
public final class OpsController {
    private final Database database;
    private final PrometheusMeterRegistry registry;
    private final byte[] openApi;

    public OpsController(Database database, PrometheusMeterRegistry registry) {
        this.database = database;
        this.registry = registry;
        this.openApi = loadOpenApi();
    }

    /** The liveness answer: the process serves requests. */
    record Live(String status) {
    }

    /** The readiness answer: {@code UP} only while the database answers too. */
    record Ready(String status, String database) {
    }

    public void register(Routes routes) {
        routes.get("/health/live", ctx -> ctx.json(new Live("UP")))
                .get("/health/ready", this::ready)
                .get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()))
                .get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    }

    private void ready(Context ctx) {
        boolean up = database.isReachable();
        String state = up ? "UP" : "DOWN";
        ctx.status(up ? 200 : 503).json(new Ready(state, state));
    }

    /** The hand-written OpenAPI 3.1 document shipped in the jar. */
    public static byte[] loadOpenApi() {
        try (InputStream in = OpsController.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
