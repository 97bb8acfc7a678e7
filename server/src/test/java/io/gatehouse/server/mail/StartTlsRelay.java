package io.gatehouse.server.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * STARTTLS in front of GreenMail, which does not offer it: the relay adds STARTTLS to the server's EHLO answer,
 * answers the command itself, upgrades the client's connection with the test certificate, and from then on passes
 * every byte through to GreenMail's plain SMTP. One connection at a time, for tests only.
 */
final class StartTlsRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final SSLContext tls;
    private final int upstreamPort;
    private final Thread thread;

    StartTlsRelay(Path keyStore, String password, int upstreamPort) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password.toCharArray());
        this.tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "starttls-relay");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept(); Socket upstream = new Socket(InetAddress.getLoopbackAddress(),
                    upstreamPort)) {
                relay(client, upstream);
            } catch (IOException e) {
                // the client went away or the relay is closing; the next connection starts afresh
            }
        }
    }

    private void relay(Socket client, Socket upstream) throws IOException {
        BufferedReader fromServer = new BufferedReader(new InputStreamReader(upstream.getInputStream(),
                StandardCharsets.US_ASCII));
        BufferedReader fromClient = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.US_ASCII));
        OutputStream toClient = client.getOutputStream();
        OutputStream toServer = upstream.getOutputStream();
        write(toClient, fromServer.readLine());
        while (true) {
            String command = fromClient.readLine();
            if (command == null) {
                return;
            }
            if (command.regionMatches(true, 0, "STARTTLS", 0, 8)) {
                write(toClient, "220 2.0.0 Ready to start TLS");
                break;
            }
            write(toServer, command);
            String line;
            boolean ehlo = command.regionMatches(true, 0, "EHLO", 0, 4);
            while ((line = fromServer.readLine()) != null) {
                if (ehlo && line.startsWith("250 ")) {
                    write(toClient, "250-STARTTLS");
                }
                write(toClient, line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    break;
                }
            }
        }
        SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), false);
        secured.setUseClientMode(false);
        secured.startHandshake();
        Thread down = new Thread(() -> pipe(upstream, secured), "starttls-relay-down");
        down.setDaemon(true);
        down.start();
        pipe(secured, upstream);
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
