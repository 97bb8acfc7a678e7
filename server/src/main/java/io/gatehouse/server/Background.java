package io.gatehouse.server;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one daemon thread that runs every feature's periodic work; a failing task runs again next time. Features that
 * need a thread of their own (work that waits on the network) hand it over to be stopped with the rest.
 */
final class Background implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);

    private final java.util.List<AutoCloseable> workers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-background");
        thread.setDaemon(true);
        return thread;
    });

    /** Runs {@code task} first after {@code initialDelay}, then {@code delay} after each run ends. */
    void every(String what, long initialDelay, long delay, TimeUnit unit, Runnable task) {
        executor.scheduleWithFixedDelay(guarded(what, task), initialDelay, delay, unit);
    }

    /** Stops {@code worker} when the background stops, before the database closes. */
    void stopsWith(AutoCloseable worker) {
        workers.add(worker);
    }

    static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("background task '{}' failed; it will run again", what, e);
            }
        };
    }

    /** Stops the thread, waiting up to five seconds for a task that is running. */
    @Override
    public void close() {
        for (AutoCloseable worker : workers) {
            try {
                worker.close();
            } catch (Exception e) {
                LOG.error("a background worker did not stop cleanly", e);
            }
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
