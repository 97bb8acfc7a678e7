package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.TestServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts reach a syslog receiver as RFC 5424 lines: over UDP one datagram per message, over TCP framed by octet
 * counting (RFC 6587), with CEF as the message when asked for. The receivers here are plain sockets, as a SIEM's
 * collector is.
 */
class SyslogTest {
    private static final String HEADER = "<(\\d+)>1 \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z \\S+ gatehouse - alert ";

    @TempDir
    Path data;

    @Test
    void an_alert_arrives_over_udp_as_rfc_5424_with_structured_data() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(15_000);
            try (TestServer server = TestServer.start(data, Map.of("alerts.syslog", "udp://127.0.0.1:"
                    + receiver.getLocalPort()))) {
                cloneSuspected(server);
                DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
                receiver.receive(packet);
                String line = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertThat(line).matches(HEADER + "\\[gatehouse@32473 id=\"alr_[a-z0-9]+\" rule=\"counter_regression\""
                        + " severity=\"critical\" subject=\"user:usr_owl\" evidence=\"\\d+\"\\] the signature counter"
                        + " of device:dev_9 went backwards.*");
                // authpriv (10) × 8 + crit (2)
                assertThat(line).startsWith("<82>1 ");
            }
        }
    }

    @Test
    void over_tcp_each_message_is_octet_counted_and_cef_when_asked() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(15_000);
            try (TestServer server = TestServer.start(data, Map.of("alerts.syslog", "tcp://127.0.0.1:"
                    + listener.getLocalPort(), "alerts.syslog-format", "cef"))) {
                cloneSuspected(server);
                try (Socket connection = listener.accept()) {
                    connection.setSoTimeout(15_000);
                    String line = frame(new DataInputStream(connection.getInputStream()));
                    assertThat(line).matches(HEADER + "- CEF:0\\|Gatehouse\\|Gatehouse\\|[^|]+\\|counter_regression\\|"
                            + "the signature counter of device:dev_9 went backwards: the authenticator may have been"
                            + " cloned\\|10\\|rt=\\d+ duser=user:usr_owl cs1Label=alertId cs1=alr_[a-z0-9]+"
                            + " cs2Label=evidence cs2=\\d+");
                }
            }
        }
    }

    @Test
    void values_are_escaped_for_structured_data_and_cef() {
        assertThat(SyslogSink.param("a\"b]c\\d")).isEqualTo("a\\\"b\\]c\\\\d");
        assertThat(SyslogSink.cefHeader("x|y\\z")).isEqualTo("x\\|y\\\\z");
        assertThat(SyslogSink.cefValue("k=v\nw")).isEqualTo("k\\=v\\nw");
    }

    /** A passkey presenting a counter below the stored one, as the passkey service records it. */
    private static void cloneSuspected(TestServer server) {
        var core = server.gatehouse().services().core();
        core.database().inTransaction(tx -> core.audit().append(tx, AuditEvent.of("device:dev_9",
                "passkey.clone_suspected", ClientInfo.of("192.0.2.44", "Mozilla/5.0")).user("usr_owl")
                .subject("device:dev_9").reason("signature_counter_regressed").result("denied")));
    }

    /** One RFC 6587 frame: the length in ASCII digits, a space, then that many bytes. */
    private static String frame(DataInputStream in) throws IOException {
        StringBuilder length = new StringBuilder();
        for (int c = in.read(); c != ' '; c = in.read()) {
            if (c < '0' || c > '9') {
                throw new AssertionError("not an octet-counted frame: " + (char) c);
            }
            length.append((char) c);
        }
        byte[] message = new byte[Integer.parseInt(length.toString())];
        in.readFully(message);
        return new String(message, StandardCharsets.UTF_8);
    }
}
