package io.gatehouse.server.audit;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/audit/stream}: audit records as server-sent events, as they are committed ({@link AuditFeed}),
 * with the filters of {@code GET /api/v1/audit}. Each event's {@code id} is the record id; a client that sends
 * {@code Last-Event-ID} (browsers do when they reconnect) first gets the records after it from the database.
 *
 * <p>A stream holds a request thread while it is open, so there are at most {@link AuditFeed#MAX_SUBSCRIBERS}.
 * A comment every {@link #HEARTBEAT} keeps the connection inside Jetty's idle timeout and tells a stream whose
 * client left. A stream that falls {@link AuditFeed#QUEUE} records behind ends with an event {@code dropped}; the
 * client reconnects and resumes from the database.
 */
public final class AuditStreamController {
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Pattern RECORD_ID = Pattern.compile("[0-9]{1,18}");
    private static final int REPLAY_PAGE = 500;

    private final Database database;
    private final AuditFeed feed;
    private final AuditController.Access read;
    private final UserLookup users;
    private final Duration heartbeat;

    public AuditStreamController(Database database, AuditFeed feed, AuditController.Access read, UserLookup users,
            Duration heartbeat) {
        this.database = database;
        this.feed = feed;
        this.read = read;
        this.users = users;
        this.heartbeat = heartbeat;
    }

    /** One event's data: what the live feed tells about a record. */
    record FeedRecord(long id, String time, String action, String result, String reason, String door,
            String userId) {
        static FeedRecord of(AuditFeed.Entry entry) {
            return new FeedRecord(entry.id(), entry.time().toString(), entry.action(), entry.result(), entry.reason(),
                    entry.door(), entry.userId());
        }
    }

    public void register(Routes routes) {
        routes.get("/api/v1/audit/stream", this::stream);
    }

    private void stream(Context ctx) throws IOException {
        read.require(ctx);
        stream(ctx, AuditController.filter(ctx, users));
    }

    /**
     * Streams the records {@code filter} matches (none when empty) to a request whose access was checked: the API's
     * route above, and the console's, which checks the session instead of a token.
     */
    public void stream(Context ctx, Optional<AuditFilter> filter) throws IOException {
        long resumeAfter = lastEventId(ctx);
        AuditFeed.Subscription subscription = feed.subscribe().orElseThrow(() -> GatehouseException.unavailable(
                "too_many_streams", "the server holds as many live audit streams as it serves ("
                        + AuditFeed.MAX_SUBSCRIBERS + "); try again later", 30));
        try (subscription) {
            ctx.status(200);
            ctx.contentType("text/event-stream; charset=utf-8");
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Accel-Buffering", "no");
            Writer out = new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8);
            out.write("retry: 3000\n\n");
            out.flush();
            long replayedUpTo = resumeAfter < 0 || filter.isEmpty() ? -1 : replay(out, filter.get(), resumeAfter);
            forward(out, subscription, filter, replayedUpTo);
        } catch (IOException clientGone) {
            // The client closed the stream: nothing to answer.
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the records after {@code after} that the stream missed; returns the last id sent. */
    private long replay(Writer out, AuditFilter filter, long after) throws IOException {
        long cursor = after;
        while (true) {
            long from = cursor;
            List<StoredRecord> page = database.read(tx -> AuditStore.oldestFirst(tx, filter, from, REPLAY_PAGE));
            for (StoredRecord record : page) {
                send(out, AuditFeed.Entry.of(record));
                cursor = record.id();
            }
            out.flush();
            if (page.size() < REPLAY_PAGE) {
                return cursor;
            }
        }
    }

    /**
     * Sends what the feed publishes until the client leaves or the subscription ends. Records up to
     * {@code replayedUpTo} were sent from the database already.
     */
    private void forward(Writer out, AuditFeed.Subscription subscription, Optional<AuditFilter> filter,
            long replayedUpTo) throws IOException, InterruptedException {
        long nextHeartbeat = System.nanoTime() + heartbeat.toNanos();
        while (true) {
            Optional<AuditFeed.Entry> entry;
            try {
                entry = subscription.next(POLL);
            } catch (AuditFeed.Ended ended) {
                if (ended.reason() == AuditFeed.End.DROPPED) {
                    out.write("event: dropped\ndata: {}\n\n");
                    out.flush();
                }
                return;
            }
            if (entry.isPresent() && entry.get().id() > replayedUpTo
                    && filter.map(f -> f.matches(entry.get())).orElse(false)) {
                send(out, entry.get());
                out.flush();
            }
            if (System.nanoTime() - nextHeartbeat >= 0) {
                out.write(": heartbeat\n\n");
                out.flush();
                nextHeartbeat = System.nanoTime() + heartbeat.toNanos();
            }
        }
    }

    private static void send(Writer out, AuditFeed.Entry entry) throws IOException {
        out.write("id: " + entry.id() + "\ndata: " + Json.write(FeedRecord.of(entry)) + "\n\n");
    }

    /** The {@code Last-Event-ID} header: the id of the last record the client saw; -1 without one. */
    private static long lastEventId(Context ctx) {
        String raw = ctx.header("Last-Event-ID");
        if (raw == null || raw.isEmpty()) {
            return -1;
        }
        if (!RECORD_ID.matcher(raw).matches()) {
            throw GatehouseException.invalid("invalid_header", "header 'Last-Event-ID' must be a record id (a whole"
                    + " number in ASCII digits), got '" + Utf8.truncate(raw, 40) + "'");
        }
        return Long.parseLong(raw);
    }
}
