package io.gatehouse.server.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * Receives every request body in full before a handler runs, without holding a worker thread while the bytes
 * trickle in: the servlet container calls back as data arrives (non-blocking read), and the request is dispatched
 * to Javalin only once the body is complete. A client that sends slowly therefore costs a connection and the bytes
 * it sent, never a thread. Three bounds hold for every body:
 *
 * <ol>
 *   <li>size: at most the route's limit; a larger declared length is refused before a byte is read (413);</li>
 *   <li>time: the whole body must arrive within the deadline (408), whatever the pace, and after a grace period
 *       at no less than a minimum rate on average (408): a body of {@code n} bytes has at most
 *       {@code grace + n / rate}, never more than the deadline;</li>
 *   <li>memory: all bodies being received share one byte budget; beyond it new bytes are refused (503).</li>
 * </ol>
 */
public final class BufferedBodies implements Filter {
    private final ToIntFunction<String> limitForPath;
    private final Duration deadline;
    private final Duration grace;
    private final long minBytesPerSecond;
    private final long budgetBytes;
    private final AtomicLong inFlight = new AtomicLong();

    /**
     * @param limitForPath the largest body the route at a request path accepts
     * @param deadline how long a body may take to arrive at most, from the end of the request head
     * @param grace how long any body may take before the minimum rate applies (network latency, a client that
     *     writes the head and the body separately): a tiny body is never refused for its rate
     * @param minBytesPerSecond the slowest average pace a body may arrive at after the grace period
     * @param budgetBytes the bytes all bodies in reception together may hold
     */
    public BufferedBodies(ToIntFunction<String> limitForPath, Duration deadline, Duration grace,
            long minBytesPerSecond, long budgetBytes) {
        this.limitForPath = limitForPath;
        this.deadline = deadline;
        this.grace = grace;
        this.minBytesPerSecond = minBytesPerSecond;
        this.budgetBytes = budgetBytes;
    }

    /**
     * How long a body that declares {@code declared} bytes may take: the grace period plus the time the bytes need
     * at the minimum rate, at most the deadline. A body of unknown length (chunked) gets the deadline, and the
     * rate is checked as its bytes arrive.
     */
    long timeAllowedMillis(long declared) {
        if (declared <= 0) {
            return deadline.toMillis();
        }
        return Math.min(deadline.toMillis(), grace.toMillis() + declared * 1000 / minBytesPerSecond);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse answer = (HttpServletResponse) response;
        long declared = http.getContentLengthLong();
        boolean chunked = http.getHeader("Transfer-Encoding") != null;
        if (declared <= 0 && !chunked) {
            chain.doFilter(request, response);
            return;
        }
        int limit = limitForPath.applyAsInt(http.getRequestURI());
        if (declared > limit) {
            refuse(answer, http, new ApiException(413, "body_too_large", "Content too large",
                    "request bodies are limited to " + limit + " bytes, this one declares " + declared));
            return;
        }
        Reception reception = new Reception(http, limit, declared > 0 ? (int) declared : 0);
        AsyncContext async = request.startAsync(reception.buffered, response);
        async.setTimeout(timeAllowedMillis(declared));
        reception.start(async);
    }

    private static void refuse(HttpServletResponse response, HttpServletRequest request, ApiException problem)
            throws IOException {
        byte[] body = ProblemMapper.document(problem, request.getRequestURI());
        if (problem.extensions().get("retryAfterSeconds") instanceof Number seconds) {
            response.setHeader("Retry-After", String.valueOf(seconds.longValue()));
        }
        response.setStatus(problem.status());
        response.setHeader("Connection", "close");
        response.setContentType(ProblemMapper.CONTENT_TYPE_UTF8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** One body being received: the bytes so far and the single outcome (dispatch or refusal) it ends with. */
    private final class Reception implements ReadListener, AsyncListener {
        private final HttpServletRequest request;
        private final int limit;
        private final ByteArrayOutputStream bytes;
        private final BufferedRequest buffered;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final byte[] chunk = new byte[8192];
        private final long startedNanos = System.nanoTime();
        private long reserved;
        private AsyncContext async;

        Reception(HttpServletRequest request, int limit, int expected) {
            this.request = request;
            this.limit = limit;
            this.bytes = new ByteArrayOutputStream(Math.min(expected, limit));
            this.buffered = new BufferedRequest(request, bytes);
        }

        void start(AsyncContext context) throws IOException {
            this.async = context;
            context.addListener(this);
            request.getInputStream().setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            ServletInputStream in = request.getInputStream();
            while (!ended.get() && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    onAllDataRead();
                    return;
                }
                if (bytes.size() + n > limit) {
                    end(new ApiException(413, "body_too_large", "Content too large",
                            "request bodies are limited to " + limit + " bytes, this one is longer"));
                    return;
                }
                if (!reserve(n)) {
                    end(new ApiException(503, "server_busy", "Service unavailable", "the server is receiving as"
                            + " many request bodies as it has room for; retry in a second",
                            java.util.Map.of("retryAfterSeconds", 1)));
                    return;
                }
                bytes.write(chunk, 0, n);
                if (tooSlow()) {
                    end(new ApiException(408, "request_timeout", "Request timeout", "expected the request body at"
                            + " " + minBytesPerSecond + " bytes per second or more after " + grace.toSeconds()
                            + " s; it arrived more slowly"));
                    return;
                }
            }
        }

        /** Behind the minimum rate once the grace period is over (network timing: {@code nanoTime}). */
        private boolean tooSlow() {
            long pastGraceMillis = (System.nanoTime() - startedNanos) / 1_000_000 - grace.toMillis();
            return pastGraceMillis > 0 && bytes.size() < minBytesPerSecond * pastGraceMillis / 1000;
        }

        @Override
        public void onAllDataRead() {
            if (ended.compareAndSet(false, true)) {
                async.dispatch();
            }
        }

        @Override
        public void onError(Throwable failure) {
            end(new ApiException(408, "request_timeout", "Request timeout", "expected the request body at a"
                    + " steady pace; it arrived too slowly or the connection failed"));
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end(new ApiException(408, "request_timeout", "Request timeout", "expected the whole request body"
                    + " within " + async.getTimeout() / 1000.0 + " seconds (" + grace.toSeconds() + " s, then "
                    + minBytesPerSecond + " bytes per second, at most " + deadline.toSeconds() + " s); it had not"
                    + " arrived"));
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            ended.set(true);
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // a handler that goes asynchronous again keeps this listener; nothing to do
        }

        private synchronized boolean reserve(int n) {
            if (inFlight.addAndGet(n) > budgetBytes) {
                inFlight.addAndGet(-n);
                return false;
            }
            reserved += n;
            return true;
        }

        private synchronized void release() {
            inFlight.addAndGet(-reserved);
            reserved = 0;
        }

        private void end(ApiException problem) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            try {
                refuse((HttpServletResponse) async.getResponse(), request, problem);
            } catch (IOException | IllegalStateException e) {
                // the client is gone; completing below frees the request
            }
            async.complete();
        }
    }

    /** The request as handlers see it: the same head, and the body from memory. */
    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final ByteArrayOutputStream bytes;

        BufferedRequest(HttpServletRequest request, ByteArrayOutputStream bytes) {
            super(request);
            this.bytes = bytes;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes.toByteArray());
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already in memory; read it directly");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
