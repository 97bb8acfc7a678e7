package io.gatehouse.server.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts to a SIEM over syslog: RFC 5424 messages over UDP (RFC 5426) or TCP with octet-counting framing
 * (RFC 6587), the message either plain text with structured data or ArcSight CEF. Sending runs on a thread of its
 * own from a bounded queue, after the alert's transaction committed. Syslog is the best-effort channel: UDP may
 * drop, and a full queue drops (counted in {@link #dropped()}); the alert list and webhooks are the durable ones.
 */
public final class SyslogSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSink.class);
    /** authpriv: security and authorisation messages, kept private by most syslog daemons' defaults. */
    static final int FACILITY = 10;
    /** RFC 5612's example enterprise number, as RFC 5424 asks for an SD-ID with a number until one is registered. */
    static final String SD_ID = "gatehouse@32473";
    private static final int QUEUE = 10_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The wire format of a message's text. */
    public enum Format {
        RFC5424, CEF
    }

    private final Transport transport;
    private final Format format;
    private final String hostname;
    private final String version;
    private final BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param target {@code udp://host:port} or {@code tcp://host:port}
     */
    public SyslogSink(URI target, Format format, String hostname, String version) {
        this.transport = switch (target.getScheme()) {
            case "udp" -> new Udp(new InetSocketAddress(target.getHost(), target.getPort()));
            case "tcp" -> new Tcp(new InetSocketAddress(target.getHost(), target.getPort()));
            default -> throw new IllegalArgumentException("syslog target must be udp:// or tcp://, got " + target);
        };
        this.format = format;
        this.hostname = hostname;
        this.version = version;
        this.thread = new Thread(this::run, "gatehouse-syslog");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues the alert; never blocks the committing thread. */
    public void offer(Alert alert) {
        if (!queue.offer(alert)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    /** The RFC 5424 message for an alert: {@code <PRI>1 TIMESTAMP HOST gatehouse - alert [SD] MSG}. */
    String message(Alert alert) {
        int pri = FACILITY * 8 + syslogSeverity(alert.severity());
        String header = "<" + pri + ">1 " + DateTimeFormatter.ISO_INSTANT.format(alert.createdAt()) + " "
                + headerField(hostname) + " gatehouse - alert ";
        if (format == Format.CEF) {
            return header + "- " + cef(alert);
        }
        String data = "[" + SD_ID + " id=\"" + param(alert.id()) + "\" rule=\"" + alert.rule().code()
                + "\" severity=\"" + alert.severity().code() + "\" subject=\"" + param(alert.subject())
                + "\" evidence=\"" + param(evidence(alert)) + "\"]";
        return header + data + " " + alert.summary();
    }

    /** ArcSight Common Event Format: {@code CEF:0|vendor|product|version|signature|name|severity|extensions}. */
    String cef(Alert alert) {
        return "CEF:0|Gatehouse|Gatehouse|" + cefHeader(version) + "|" + alert.rule().code() + "|"
                + cefHeader(alert.summary()) + "|" + cefSeverity(alert.severity()) + "|rt="
                + alert.createdAt().toEpochMilli() + " duser=" + cefValue(alert.subject()) + " cs1Label=alertId cs1="
                + cefValue(alert.id()) + " cs2Label=evidence cs2=" + cefValue(evidence(alert));
    }

    private static String evidence(Alert alert) {
        return String.join(",", alert.evidence().stream().map(String::valueOf).toList());
    }

    static int syslogSeverity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> 2;
            case HIGH -> 3;
            case MEDIUM -> 4;
            case LOW -> 5;
        };
    }

    static int cefSeverity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> 10;
            case HIGH -> 8;
            case MEDIUM -> 5;
            case LOW -> 3;
        };
    }

    /** RFC 5424 §6.3.3: inside a PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
    static String param(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }

    /** A header field is printable US-ASCII without spaces; anything else becomes '-'-safe. */
    private static String headerField(String value) {
        String cleaned = value.chars().filter(c -> c > 32 && c < 127).collect(StringBuilder::new,
                StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return cleaned.isEmpty() ? "-" : cleaned.substring(0, Math.min(255, cleaned.length()));
    }

    /** CEF header fields escape '\' and '|'. */
    static String cefHeader(String value) {
        return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /** CEF extension values escape '\' and '=' and carry no raw line breaks. */
    static String cefValue(String value) {
        return value.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n");
    }

    private void run() {
        while (!closed) {
            Alert alert;
            try {
                alert = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (alert == null) {
                continue;
            }
            try {
                transport.send(message(alert).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                dropped.incrementAndGet();
                LOG.warn("syslog: alert {} was not sent: {}", alert.id(), e.toString());
            }
        }
        transport.close();
    }

    private interface Transport {
        void send(byte[] message) throws IOException;

        void close();
    }

    /** RFC 5426: one message per datagram. */
    private static final class Udp implements Transport {
        private final InetSocketAddress target;
        private DatagramSocket socket;

        Udp(InetSocketAddress target) {
            this.target = target;
        }

        @Override
        public void send(byte[] message) throws IOException {
            if (socket == null) {
                socket = new DatagramSocket();
            }
            socket.send(new DatagramPacket(message, message.length, target));
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
            }
        }
    }

    /** RFC 6587 octet counting: {@code <length> SP <message>}; one reconnect per message after a failure. */
    private static final class Tcp implements Transport {
        private final InetSocketAddress target;
        private Socket socket;

        Tcp(InetSocketAddress target) {
            this.target = target;
        }

        @Override
        public void send(byte[] message) throws IOException {
            byte[] frame = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
            try {
                write(frame, message);
            } catch (IOException first) {
                close();
                write(frame, message);
            }
        }

        private void write(byte[] frame, byte[] message) throws IOException {
            if (socket == null) {
                Socket fresh = new Socket();
                fresh.connect(target, (int) CONNECT_TIMEOUT.toMillis());
                socket = fresh;
            }
            OutputStream out = socket.getOutputStream();
            out.write(frame);
            out.write(message);
            out.flush();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
