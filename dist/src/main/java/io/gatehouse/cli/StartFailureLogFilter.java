package io.gatehouse.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Javalin's own "Failed to start Javalin" line: {@code gatehouse serve} reports why the start failed (the port
 * in use, say) as one line on standard error, and a log line before it that gives no reason only confuses.
 */
public final class StartFailureLogFilter extends TurboFilter {
    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        return "io.javalin.Javalin".equals(logger.getName()) && "Failed to start Javalin".equals(format)
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
