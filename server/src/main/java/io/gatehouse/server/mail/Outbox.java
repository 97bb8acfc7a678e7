package io.gatehouse.server.mail;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: a message is written in the transaction of what causes it (so it exists exactly when that
 * committed) and sent after the commit by a thread of its own, because an SMTP conversation may take seconds and
 * must never hold a request or the shared background thread. A send that fails is tried again with a doubling
 * delay, up to {@link #MAX_ATTEMPTS}; one the server refuses for good (5xx) fails at once. Pending messages survive
 * a restart: the next start picks them up. The content is sealed at rest and deleted once the message is sent or
 * failed for good; the row keeps the delivery state.
 */
public final class Outbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    static final int MAX_ATTEMPTS = 8;
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofHours(1);
    /** Longer than a send can take (connect, then the conversation, each bounded by the mailer's timeouts). */
    static final Duration LEASE = Duration.ofMinutes(5);
    static final Duration POLL = Duration.ofSeconds(5);
    private static final int BATCH = 20;

    private final Database database;
    private final SecretBox secrets;
    private final Optional<MailTransport> transport;
    private final Clock clock;
    private final SecureRandom random;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private ScheduledExecutorService sender;

    /** @param transport empty when no SMTP server is configured: then nothing may be queued */
    public Outbox(Database database, SecretBox secrets, Optional<MailTransport> transport, Clock clock,
            SecureRandom random) {
        this.database = database;
        this.secrets = secrets;
        this.transport = transport;
        this.clock = clock;
        this.random = random;
    }

    /** Whether mail can be sent at all (an SMTP server is configured). */
    public boolean enabled() {
        return transport.isPresent();
    }

    /**
     * Queues {@code message} in {@code tx}; it is sent once {@code tx} commits, never if it rolls back.
     *
     * @param purpose what the message is for ({@code visitor_invitation}); with {@code referenceId} what
     *     {@link #erase} finds it by
     * @return the message's id, for {@link #delivery}
     */
    public String enqueue(Tx tx, String purpose, String referenceId, MailMessage message) {
        if (transport.isEmpty()) {
            throw new IllegalStateException("no SMTP server is configured; check enabled() first");
        }
        String id = Ids.newId(random, "mail");
        OutboxStore.insert(tx, id, purpose, referenceId, secrets.seal(Json.write(message).getBytes(
                java.nio.charset.StandardCharsets.UTF_8), context(id)), clock.instant());
        tx.afterCommit(this::wake);
        return id;
    }

    public Optional<Delivery> delivery(ReadTx tx, String id) {
        return OutboxStore.delivery(tx, id);
    }

    /**
     * Deletes the content of every message about {@code referenceId} (its subject's personal data is being erased);
     * a message not sent yet fails with reason {@code erased}.
     */
    public void erase(Tx tx, String purpose, String referenceId) {
        OutboxStore.eraseContent(tx, purpose, referenceId, "erased before it was sent");
    }

    /** Starts the sender thread: it sends what is due now (left from before a restart too), then polls. */
    public synchronized void start() {
        if (transport.isEmpty() || sender != null) {
            return;
        }
        sender = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-mail");
            thread.setDaemon(true);
            return thread;
        });
        sender.scheduleWithFixedDelay(this::deliverGuarded, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the sender to look now rather than at its next poll; coalesced while a look is queued. */
    public void wake() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = sender;
        }
        if (running != null && wakeQueued.compareAndSet(false, true)) {
            try {
                running.execute(() -> {
                    wakeQueued.set(false);
                    deliverGuarded();
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                wakeQueued.set(false);
            }
        }
    }

    private void deliverGuarded() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            LOG.error("the mail outbox could not be delivered; it is tried again", e);
        }
    }

    /** Sends every message due now, one after another; returns how many were sent. */
    public int deliverDue() {
        if (transport.isEmpty()) {
            return 0;
        }
        int sent = 0;
        List<String> due;
        do {
            due = database.read(tx -> OutboxStore.due(tx, clock.instant(), BATCH));
            for (String id : due) {
                if (deliver(id)) {
                    sent++;
                }
            }
        } while (due.size() == BATCH);
        return sent;
    }

    /** One attempt at one message: taken under a lease (another node may be at it), sent, its outcome recorded. */
    private boolean deliver(String id) {
        Instant now = clock.instant();
        Optional<OutboxStore.Due> claimed = database.inTransaction(tx -> OutboxStore.claim(tx, id, now,
                now.plus(LEASE)));
        if (claimed.isEmpty()) {
            return false;
        }
        int attempts = claimed.get().attempts() + 1;
        MailMessage message;
        try {
            message = open(claimed.get());
        } catch (GatehouseException e) {
            LOG.error("outbox message {} does not read back; it is given up", id, e);
            database.inTransaction(tx -> {
                OutboxStore.failed(tx, id, attempts, "the stored message does not read back");
                return null;
            });
            return false;
        }
        try {
            transport.orElseThrow().send(message);
        } catch (MailFailure failure) {
            recordFailure(id, attempts, failure);
            return false;
        }
        database.inTransaction(tx -> {
            OutboxStore.sent(tx, id, attempts, clock.instant());
            return null;
        });
        LOG.info("outbox message {} sent (attempt {})", id, attempts);
        return true;
    }

    private void recordFailure(String id, int attempts, MailFailure failure) {
        String error = failure.getMessage();
        if (failure.permanent() || attempts >= MAX_ATTEMPTS) {
            LOG.warn("outbox message {} failed for good after {} attempts: {}", id, attempts, error);
            database.inTransaction(tx -> {
                OutboxStore.failed(tx, id, attempts, error);
                return null;
            });
            return;
        }
        Instant next = clock.instant().plus(retryDelay(attempts));
        LOG.warn("outbox message {} not sent (attempt {}), trying again at {}: {}", id, attempts, next, error);
        database.inTransaction(tx -> {
            OutboxStore.retryLater(tx, id, attempts, error, next);
            return null;
        });
    }

    /** The wait after failed attempt {@code attempts}: 30 s, doubling, at most an hour. */
    static Duration retryDelay(int attempts) {
        Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
    }

    private MailMessage open(OutboxStore.Due due) {
        byte[] plain = secrets.open(due.content(), context(due.id()));
        try {
            return Json.MAPPER.readValue(plain, MailMessage.class);
        } catch (IOException e) {
            throw GatehouseException.corrupt("outbox message " + due.id(), e);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    private static String context(String id) {
        return "mail-outbox:" + id;
    }

    /** Stops the sender, letting a send in progress finish for a few seconds; what is left goes at the next start. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = sender;
            sender = null;
        }
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            running.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
