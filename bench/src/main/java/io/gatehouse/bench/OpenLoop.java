package io.gatehouse.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The open-loop step runner of the load generators: request <i>i</i> of a step is scheduled at
 * {@code start + i / rate} and sent then, whatever happened to earlier ones, asynchronously with at most
 * {@code concurrency} requests in flight. Latency runs from the <i>scheduled</i> send time to the full response, so a
 * request delayed by the concurrency bound or by a stalled generator counts its wait (no coordinated omission).
 * A step sends at most {@code rate x seconds} requests, stops sending at twice its planned duration, and waits at
 * most 30 s for stragglers.
 */
final class OpenLoop {
    static final double SATURATED_FRACTION = 0.90;

    private final HttpClient http;
    private final int concurrency;
    private final LoadServer server;

    OpenLoop(HttpClient http, int concurrency, LoadServer server) {
        this.http = http;
        this.concurrency = concurrency;
        this.server = server;
    }

    /** One step's outcome. */
    record Step(String target, int rate, int seconds, long sent, long unsent, long ok, long errors, long okInWindow,
            Histogram latency, long rssPeakKb, String firstError) {
        double achieved() {
            return okInWindow / (double) seconds;
        }

        boolean saturated() {
            return achieved() < SATURATED_FRACTION * rate || errors + unsent > 0.01 * (sent + unsent)
                    || latency.getValueAtPercentile(99) > 1_000_000;
        }

        String line() {
            Histogram h = latency;
            return String.format(Locale.ROOT, "%5d/s x %d s: sent %d, ok %d, errors %d, unsent/unfinished %d,"
                    + " achieved %.0f/s; latency ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f; RSS peak %,d KiB%s%s",
                    rate, seconds, sent, ok, errors, unsent, achieved(), h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0, rssPeakKb, saturated() ? " [saturated]" : "",
                    firstError == null ? "" : "; first error: " + firstError);
        }
    }

    Step step(String target, int rate, int duration, IntFunction<HttpRequest> requests,
            Function<HttpResponse<String>, String> check) {
        return step(target, rate, duration, requests, check, i -> { });
    }

    /**
     * Sends {@code rate x duration} requests, request i at {@code start + i / rate}, and measures each from that
     * scheduled time to its complete response; {@code check} answers null for a good response, else the problem;
     * {@code completed} hears of each sent request's end, good or bad.
     */
    Step step(String target, int rate, int duration, IntFunction<HttpRequest> requests,
            Function<HttpResponse<String>, String> check, IntConsumer completed) {
        int count = rate * duration;
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong okInWindow = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        server.resetStepPeak();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long windowEnd = start + TimeUnit.SECONDS.toNanos(duration);
        long sendDeadline = start + TimeUnit.SECONDS.toNanos(2L * duration);
        double interval = 1e9 / rate;
        long sent = 0;
        for (int i = 0; i < count; i++) {
            long scheduled = start + (long) (i * interval);
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            try {
                long left = sendDeadline - System.nanoTime();
                if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break; // the step has run twice its length: stop sending, count the rest as unsent
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sent++;
            int index = i;
            HttpRequest request = requests.apply(i);
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                long end = System.nanoTime();
                latency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(120), Math.max(0, (end - scheduled) / 1000)));
                String problem = failure != null ? failure.toString() : check.apply(response);
                if (problem == null) {
                    ok.incrementAndGet();
                    if (end <= windowEnd) {
                        okInWindow.incrementAndGet();
                    }
                } else {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, problem);
                }
                completed.accept(index);
                inFlight.release(); // last, so that a drained step has counted every answer
            });
        }
        long unsent = count - sent;
        try {
            if (inFlight.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
                inFlight.release(concurrency);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long unfinished = sent - ok.get() - errors.get();
        return new Step(target, rate, duration, sent, unsent + unfinished, ok.get(), errors.get(), okInWindow.get(),
                latency.copy(), server.stepRssPeakKb(), firstError.get());
    }

    static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
