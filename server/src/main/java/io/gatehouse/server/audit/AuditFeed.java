package io.gatehouse.server.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Tells subscribers (the live feeds of the API and the console) about every audit record once the transaction that
 * wrote it is durable; a record that rolled back is never published.
 *
 * <p>Publishing runs on the committing thread (for decisions on SQLite, the one thread of the group commit), so it
 * never waits: each subscriber has a bounded queue, and a subscriber whose queue is full is dropped rather than
 * slowing decisions down. A dropped subscriber learns it on its next read and resumes from the database with the
 * last record id it saw, as an SSE client does with {@code Last-Event-ID}.
 */
public final class AuditFeed implements AutoCloseable {
    /** Records a subscriber may fall behind by before it is dropped. */
    public static final int QUEUE = 1_000;
    /** Subscribers at most: each live stream holds one, and a request thread while it streams. */
    public static final int MAX_SUBSCRIBERS = 64;

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * One published record: its row id, time, action, result and reason, the door (the subject {@code door:<id>} of
     * a scan, else null), the user it is about and its subject.
     */
    public record Entry(long id, Instant time, String action, String result, String reason, String door,
            String userId, String subject) {

        static Entry of(long id, long createdAt, String action, String result, String reason, String userId,
                String subject) {
            String door = subject != null && subject.startsWith(AuditFilter.DOOR_SUBJECT)
                    ? subject.substring(AuditFilter.DOOR_SUBJECT.length()) : null;
            return new Entry(id, Instant.ofEpochMilli(createdAt), action, result, reason, door, userId, subject);
        }

        static Entry of(StoredRecord record) {
            return of(record.id(), record.createdAt(), record.action(), record.result(), record.reason(),
                    record.subjectUser(), record.subject());
        }
    }

    /** Why a subscription ended. */
    public enum End {
        /** It fell {@link #QUEUE} records behind. */
        DROPPED,
        /** The server is stopping. */
        CLOSED
    }

    /**
     * A subscriber's queue. Read it with {@link #next}; close it when done.
     */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile End end;

        private void offer(Entry entry) {
            if (end == null && !queue.offer(entry)) {
                end = End.DROPPED;
                subscribers.remove(this);
            }
        }

        /**
         * The next record, waiting up to {@code wait}; empty when none came meanwhile.
         *
         * @throws Ended once the queue is drained after the subscription ended
         */
        public Optional<Entry> next(Duration wait) throws Ended, InterruptedException {
            Entry entry = queue.poll();
            if (entry == null && end != null) {
                throw new Ended(end);
            }
            if (entry == null) {
                entry = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            }
            return Optional.ofNullable(entry);
        }

        @Override
        public void close() {
            subscribers.remove(this);
            if (end == null) {
                end = End.CLOSED;
            }
        }
    }

    /** The end of a subscription, with its reason. */
    public static final class Ended extends Exception {
        private final End reason;

        Ended(End reason) {
            super("subscription ended: " + reason, null, false, false);
            this.reason = reason;
        }

        public End reason() {
            return reason;
        }
    }

    /**
     * A new subscription, or empty when {@link #MAX_SUBSCRIBERS} are open already or the feed is closed.
     */
    public Optional<Subscription> subscribe() {
        if (closed || subscribers.size() >= MAX_SUBSCRIBERS) {
            return Optional.empty();
        }
        Subscription subscription = new Subscription();
        subscribers.add(subscription);
        return Optional.of(subscription);
    }

    /** Called after commit only (see {@link AuditLog}); never blocks. */
    void publish(Entry entry) {
        for (Subscription subscription : subscribers) {
            subscription.offer(entry);
        }
    }

    /** Subscribers now; for tests and metrics. */
    public int subscribers() {
        return subscribers.size();
    }

    /** Ends every subscription (their streams finish) and refuses new ones: the server is stopping. */
    @Override
    public void close() {
        closed = true;
        for (Subscription subscription : subscribers) {
            subscription.close();
        }
    }
}
