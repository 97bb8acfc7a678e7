package io.gatehouse.server.totp;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.OpenApiContract;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client whose socket is bound to a chosen loopback address, so that the server sees another
 * client address: Linux delivers all of 127.0.0.0/8 on the loopback interface, and the JDK's HTTP clients cannot
 * choose their local address. One request per connection ({@code Connection: close}). Every answer is held to the
 * API contract ({@link OpenApiContract}), as {@code TestServer}'s are.
 */
record LoopbackClient(InetAddress local, URI server) {

    static LoopbackClient from(String localAddress, URI server) {
        try {
            return new LoopbackClient(InetAddress.getByName(localAddress), server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Response post(String path, Object body, String token) {
        byte[] content = Json.write(body).getBytes(StandardCharsets.UTF_8);
        String hostPort = server.getHost() + ":" + server.getPort();
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length
                + "\r\nUser-Agent: loopback-client\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(head.getBytes(StandardCharsets.US_ASCII));
            request.write(content);
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one response by its framing, without waiting for the server to close the connection, and holds it to the
     * API contract like every response a test receives.
     */
    private static Response read(InputStream in, String path) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    header.substring(colon + 1).strip());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(in);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        OpenApiContract.get().check("POST", path, status, headers.get("content-type"), body);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the response ends inside a line: " + line);
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int length = Integer.parseInt(size.contains(";") ? size.substring(0, size.indexOf(';')) : size, 16);
            if (length == 0) {
                line(in);
                return body.toByteArray();
            }
            body.write(in.readNBytes(length));
            line(in);
        }
    }
}
