package io.gatehouse.server.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * What every answered request leaves behind: one access line ({@code POST /api/v1/totp/verify 200 3.1ms}) and one
 * sample of the {@code gatehouse.http.requests} timer, both by route template, never by raw path (paths of
 * enrollment and bootstrap links hold secrets).
 *
 * <p>Called once per request, so it keeps its per-request work small: the timer of each (method, route, status) is
 * looked up in a map rather than built and registered again, and the duration is written without a formatter.
 */
public final class AccessLog {
    private final MeterRegistry registry;
    private final Logger log;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    public AccessLog(MeterRegistry registry, Logger log) {
        this.registry = registry;
        this.log = log;
    }

    private record Key(String method, String route, int status) {
    }

    /** Javalin's request logger: {@code millis} is the time from the request's start to its answer. */
    public void record(Context ctx, Float millis) {
        String route = routeOf(ctx);
        Key key = new Key(ctx.method().name(), route, ctx.statusCode());
        timers.computeIfAbsent(key, k -> Timer.builder("gatehouse.http.requests").tag("method", k.method())
                .tag("route", k.route()).tag("status", String.valueOf(k.status())).register(registry))
                .record(Duration.ofNanos((long) (millis * 1_000_000)));
        log.info("{} {} {} {}ms", key.method(), route, key.status(), tenths(millis));
    }

    /** {@code millis} rounded to one decimal, as {@code %.1f} writes it. */
    static String tenths(float millis) {
        long tenths = Math.round(millis * 10.0);
        return (tenths / 10) + "." + (tenths % 10);
    }

    private static String routeOf(Context ctx) {
        try {
            return ctx.endpointHandlerPath();
        } catch (IllegalStateException noEndpoint) {
            return "unmatched";
        }
    }
}
