package io.gatehouse.server.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real HTTP endpoint on loopback that records each webhook delivery and answers with a status the test sets. */
public final class WebhookReceiver implements AutoCloseable {
    /** One delivery as it arrived. */
    public record Received(Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile int status = 204;
    private volatile String location;

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(Map.of("Gatehouse-Signature", header(exchange, "Gatehouse-Signature"),
                    "Gatehouse-Event", header(exchange, "Gatehouse-Event"), "Gatehouse-Delivery",
                    header(exchange, "Gatehouse-Delivery"), "Content-Type", header(exchange, "Content-Type")), body));
            if (location != null) {
                exchange.getResponseHeaders().set("Location", location);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    private static String header(com.sun.net.httpserver.HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public void answer(int newStatus) {
        status = newStatus;
    }

    /** Answers every delivery with a 307 to {@code url}. */
    public void redirectTo(String url) {
        location = url;
        status = 307;
    }

    public Received next(Duration wait) throws InterruptedException {
        Received delivery = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (delivery == null) {
            throw new AssertionError("no webhook delivery arrived within " + wait);
        }
        return delivery;
    }

    public boolean nothingWithin(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
