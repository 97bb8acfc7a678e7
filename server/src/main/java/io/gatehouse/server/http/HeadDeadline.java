package io.gatehouse.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes a connection that has not delivered a complete request head (request line and headers) within the
 * deadline, counted from the moment the connection opened or its previous answer was sent. Jetty's idle timeout
 * alone restarts with every byte, so a client sending one byte every few seconds would keep a connection for hours.
 * Added to the connector as a bean: it then hears of every connection and of every request on it.
 *
 * <p>Deadlines are network timing, like Jetty's own timeouts, so they use {@link System#nanoTime()}, not the
 * server's business clock (which tests hold still).
 */
public final class HeadDeadline extends AbstractLifeCycle implements Connection.Listener, HttpChannel.Listener {
    private final long deadlineNanos;
    private final Map<EndPoint, Long> waitingSince = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    public HeadDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public void onOpened(Connection connection) {
        waitingSince.put(connection.getEndPoint(), System.nanoTime());
    }

    @Override
    public void onClosed(Connection connection) {
        waitingSince.remove(connection.getEndPoint());
    }

    @Override
    public void onRequestBegin(Request request) {
        waitingSince.remove(request.getHttpChannel().getEndPoint());
    }

    @Override
    public void onComplete(Request request) {
        EndPoint endPoint = request.getHttpChannel().getEndPoint();
        if (endPoint.isOpen()) {
            waitingSince.put(endPoint, System.nanoTime());
        }
    }

    /** Connections now waiting for a request head; for tests. */
    public int waiting() {
        return waitingSince.size();
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-head-deadline");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(TimeUnit.NANOSECONDS.toMillis(deadlineNanos) / 10, 50);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        waitingSince.clear();
    }

    private void sweep() {
        long now = System.nanoTime();
        waitingSince.forEach((endPoint, since) -> {
            if (!endPoint.isOpen()) {
                waitingSince.remove(endPoint, since);
            } else if (now - since > deadlineNanos) {
                waitingSince.remove(endPoint, since);
                endPoint.close();
            }
        });
    }
}
