package io.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A bounded slow-client attack on loopback, for tests and benchmarks: {@code count} real sockets, each sending one
 * byte per {@code interval} and never finishing its request. Half trickle a request head; half send a whole head
 * and trickle the body of an endpoint that needs no credential. A client the server closes (or answers) is opened
 * again, so the number held stays {@code count}, as an attacker would keep it. One thread drives all of them; it
 * stops by itself after {@code maxDuration}, or at {@link #close()}.
 */
public final class SlowClients implements AutoCloseable {
    public static final int MAX_COUNT = 5000;
    private static final List<String> BODY_TARGETS = List.of("/api/v1/reader-enrollment", "/bootstrap/nope",
            "/api/v1/totp/verify", "/enroll/device/nope");

    private final int port;
    private final int count;
    private final Duration interval;
    private final long stopAtNanos;
    private final List<Client> clients = new ArrayList<>();
    private final Thread driver;
    private final Stats stats = new Stats();
    private volatile boolean stopped;

    /** What happened so far; the lifetimes are those of clients the server ended. */
    public static final class Stats {
        private long opened;
        private long endedByServer;
        private final long[] longestLifeNanos = new long[2];
        private long longestRoundNanos;
        private final Map<Integer, Long> answers = new TreeMap<>();

        public synchronized long opened() {
            return opened;
        }

        public synchronized long endedByServer() {
            return endedByServer;
        }

        /** The longest a slow head, or a slow body, lasted before the server ended it. */
        public synchronized Duration longestLife(boolean body) {
            return Duration.ofNanos(longestLifeNanos[body ? 1 : 0]);
        }

        /** The longest round over all clients; a client's end is seen up to one round late. */
        public synchronized Duration longestRound() {
            return Duration.ofNanos(longestRoundNanos);
        }

        synchronized void round(long nanos) {
            longestRoundNanos = Math.max(longestRoundNanos, nanos);
        }

        /** Status codes of the answers the server sent before closing, with their counts. */
        public synchronized Map<Integer, Long> answers() {
            return Map.copyOf(answers);
        }

        synchronized void ended(Client client, Integer status) {
            endedByServer++;
            int kind = client.body ? 1 : 0;
            longestLifeNanos[kind] = Math.max(longestLifeNanos[kind], System.nanoTime() - client.openedAt);
            if (status != null) {
                answers.merge(status, 1L, Long::sum);
            }
        }

        synchronized void countOpened() {
            opened++;
        }

        @Override
        public synchronized String toString() {
            return "opened " + opened + ", ended by the server " + endedByServer + ", answers " + answers
                    + ", longest slow head " + longestLife(false).toMillis() + " ms, longest slow body "
                    + longestLife(true).toMillis() + " ms, longest round " + longestRound().toMillis() + " ms";
        }
    }

    private SlowClients(int port, int count, Duration interval, Duration maxDuration) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1 to " + MAX_COUNT + ", got " + count);
        }
        this.port = port;
        this.count = count;
        this.interval = interval;
        this.stopAtNanos = System.nanoTime() + maxDuration.toNanos();
        this.driver = new Thread(this::drive, "slow-clients");
        this.driver.setDaemon(true);
    }

    /** Opens {@code count} slow clients against the loopback {@code port} and starts trickling. */
    public static SlowClients start(int port, int count, Duration interval, Duration maxDuration) {
        SlowClients slow = new SlowClients(port, count, interval, maxDuration);
        for (int i = 0; i < count; i++) {
            slow.clients.add(slow.open(i));
        }
        slow.driver.start();
        return slow;
    }

    public Stats stats() {
        return stats;
    }

    /** Clients open right now. */
    public int open() {
        synchronized (clients) {
            return (int) clients.stream().filter(c -> c.channel.isOpen()).count();
        }
    }

    /** How long the oldest client still open, of slow heads or of slow bodies, has been open. */
    public Duration oldestOpen(boolean body) {
        long now = System.nanoTime();
        synchronized (clients) {
            return Duration.ofNanos(clients.stream().filter(c -> c.body == body && c.channel.isOpen())
                    .mapToLong(c -> now - c.openedAt).max().orElse(0));
        }
    }

    private Client open(int index) {
        boolean body = index % 2 == 1;
        String target = body ? BODY_TARGETS.get((index / 2) % BODY_TARGETS.size()) : "/api/v1/reader-enrollment";
        String head = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        String first = body ? head + "Content-Length: 4096\r\n\r\n{\"secret\":\"" : head + "X-Slow: ";
        try {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(first.getBytes(StandardCharsets.US_ASCII)));
            stats.countOpened();
            return new Client(channel, body, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void drive() {
        ByteBuffer in = ByteBuffer.allocate(512);
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!stopped && System.nanoTime() < stopAtNanos) {
            long roundStart = System.nanoTime();
            long next = roundStart + interval.toNanos();
            synchronized (clients) {
                for (int i = 0; i < clients.size() && !stopped; i++) {
                    Client client = clients.get(i);
                    Integer ended = poll(client, in, one);
                    if (ended != null || !client.channel.isOpen()) {
                        stats.ended(client, ended == null || ended == 0 ? null : ended);
                        close(client);
                        try {
                            clients.set(i, open(i));
                        } catch (UncheckedIOException refused) {
                            // the server is not accepting right now; the slot is tried again next round
                        }
                    }
                }
            }
            stats.round(System.nanoTime() - roundStart);
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Null while the client lives; the answer's status (0 for none) once the server ended it. */
    private static Integer poll(Client client, ByteBuffer in, ByteBuffer one) {
        if (!client.channel.isOpen()) {
            return 0;
        }
        try {
            in.clear();
            int read = client.channel.read(in);
            if (read > 0) {
                String answer = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                return answer.startsWith("HTTP/1.1 ") && answer.length() >= 12
                        ? Integer.parseInt(answer.substring(9, 12)) : 0;
            }
            if (read < 0) {
                return 0;
            }
            one.clear();
            one.put((byte) 'a').flip();
            client.channel.write(one);
            return null;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static void close(Client client) {
        try {
            client.channel.close();
        } catch (IOException ignored) {
            // closing a socket the peer already reset
        }
    }

    @Override
    public void close() {
        stopped = true;
        driver.interrupt();
        try {
            driver.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (clients) {
            clients.forEach(SlowClients::close);
        }
    }

    private record Client(SocketChannel channel, boolean body, long openedAt) {
    }
}
