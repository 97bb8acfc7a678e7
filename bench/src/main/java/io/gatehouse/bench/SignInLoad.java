package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.bench.TotpLoad.Ticket;
import io.gatehouse.bench.TotpLoad.Tickets;
import io.gatehouse.bench.TotpLoad.User;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.protocol.otp.TotpParameters;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Sign-ins per second over HTTP (issue 11): Gatehouse's OpenID Connect sign-in with TOTP and with a passkey, and its
 * token endpoint, beside Keycloak 26.7.3 ({@link KeycloakPeer}) doing the same work in the same run; and the
 * resident memory of both servers.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.SignInLoad \
 *     [--jar dist/target/gatehouse.jar] [--keycloak bench/target/keycloak/keycloak-26.7.3] [--users 1000]
 *     [--passkey-users 64] [--enrollers 8] [--clients 16] [--seconds 15] [--warmup-seconds 20]
 *     [--stock-seconds 8] [--rounds 2] [--server-opts "-Xmx512m"] [--only gatehouse|keycloak] [--keep-log]
 * </pre>
 *
 * <p>One sign-in is what a browser does, from a fresh browser (no provider session), with its own cookies:
 * <ul>
 *   <li>Gatehouse, TOTP: {@code GET /oauth2/authorize} (the sign-in page; the hidden {@code interaction} and the
 *       {@code gh_signin} cookie), {@code POST /oauth2/sign-in/totp} with username and code (303 to the redirect URI
 *       with the code), {@code POST /oauth2/token} with {@code client_secret_basic} (200 with an ID token).</li>
 *   <li>Keycloak, TOTP: {@code GET .../protocol/openid-connect/auth} (the username form), {@code POST} the username
 *       (the OTP form), {@code POST} the code (302 with the code), {@code POST .../token} with
 *       {@code client_secret_basic}. One request more than Gatehouse because its forms ask for the username and the
 *       code on two pages; the work is the same (look the user up, check one TOTP code against the window and its
 *       replay record, make a session and a code, exchange it, sign an ID token).</li>
 *   <li>Gatehouse, passkey: the sign-in page, {@code POST /oauth2/sign-in/passkey/options}, an ES256 assertion made
 *       here ({@link SoftAuthenticator}), {@code POST /oauth2/sign-in/passkey} (200 with the redirect), the token
 *       request.</li>
 *   <li>Keycloak, passkey: its passwordless WebAuthn authenticator alone as the browser flow of a second realm whose
 *       users' passkeys are imported ({@link KeycloakPeer#createPasskeyRealm}): the page (its script carries the
 *       challenge), the hidden form {@code webauth} posted with the assertion's fields as its script posts them
 *       (302 with the code), the token request.</li>
 * </ul>
 * Both servers get the same TOTP policy (SHA1, 8 digits, 30 s, 5 steps either side, single use), the same number of
 * users, clients, warm-up and measurement, and (user, step) pairs handed out the same way ({@link Tickets}: every
 * code sent is one the server must accept). Both run during the whole measurement but only one is loaded at a time:
 * after a warm-up of every path, {@code --rounds} rounds each measure TOTP, then passkey, then the token endpoint on
 * one server and then the other, the order of the servers alternating between rounds, so that a change in the
 * shared machine's other load falls on both. The token endpoint is measured on its own: codes are gathered by
 * sign-ins for {@code --stock-seconds} without being exchanged, then exchanged by {@code --clients} threads (each
 * code once, within its 60 s lifetime). The passkey path is also set beside its physical floor, measured in this
 * JVM at the end: one P-256 verification (the assertion) plus one P-256 signature (the ES256 ID token) per sign-in,
 * one thread per core. Resident memory ({@code VmRSS}) of each server: after setup, peak during the load, after it.
 * Every answer must be the expected one (200 page, 303/302 with the code and the state, 200 with an ID token);
 * anything else counts as an error and the first one is reported.
 */
public final class SignInLoad {
    private static final String REDIRECT = "http://localhost:9/callback";
    /**
     * A code is handed out only if its step is still inside the window this much later: a sign-in sends it after
     * one or two other requests, each of which can take seconds on a loaded machine.
     */
    private static final long TICKET_MARGIN_MILLIS = 15_000;
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\saction=\"([^\"]+)\"");
    private static final Pattern INTERACTION = Pattern.compile("<input[^>]*name=\"interaction\"[^>]*>");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");

    private String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private Path jar = Path.of("dist/target/gatehouse.jar");
    private Path keycloak = Path.of("bench/target/keycloak/keycloak-26.7.3");
    private int users = 1000;
    private int passkeyUsers = 64;
    private int enrollers = 8;
    private int clients = 16;
    private int seconds = 15;
    private int warmupSeconds = 20;
    private int stockSeconds = 8;
    private int rounds = 2;
    private List<String> serverOpts = List.of();
    private String only = "";
    private boolean keepLog;

    public static void main(String[] args) throws Exception {
        SignInLoad load = new SignInLoad();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jar" -> load.jar = Path.of(value);
                case "--java" -> load.javaBin = value;
                case "--keycloak" -> load.keycloak = Path.of(value);
                case "--users" -> load.users = Integer.parseInt(value);
                case "--passkey-users" -> load.passkeyUsers = Integer.parseInt(value);
                case "--enrollers" -> load.enrollers = Integer.parseInt(value);
                case "--clients" -> load.clients = Integer.parseInt(value);
                case "--seconds" -> load.seconds = Integer.parseInt(value);
                case "--warmup-seconds" -> load.warmupSeconds = Integer.parseInt(value);
                case "--stock-seconds" -> load.stockSeconds = Integer.parseInt(value);
                case "--only" -> load.only = value;
                case "--rounds" -> load.rounds = Integer.parseInt(value);
                case "--server-opts" -> load.serverOpts = List.of(value.trim().split("\\s+"));
                case "--keep-log" -> {
                    load.keepLog = true;
                    i--; // a flag without a value
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see the class"
                        + " comment of " + SignInLoad.class.getName());
            }
            i++;
        }
        if (load.users < 16 || load.users > 100_000 || load.passkeyUsers < 1 || load.passkeyUsers > load.users
                || load.enrollers < 1 || load.enrollers > 64 || load.clients < 1 || load.clients > 256
                || load.seconds < 1 || load.seconds > 60 || load.warmupSeconds < 0 || load.warmupSeconds > 60
                || load.stockSeconds < 1 || load.stockSeconds > 30 || load.rounds < 1 || load.rounds > 10
                || !List.of("", "gatehouse", "keycloak").contains(load.only)) {
            throw new IllegalArgumentException("out of bounds: users 16..100000, passkey users 1..users, enrollers"
                    + " 1..64, clients 1..256, seconds 1..60, warm-up 0..60 s, stock 1..30 s, rounds 1..10, only gatehouse|keycloak");
        }
        System.out.println(load.run());
    }

    // ---- What one sign-in does ------------------------------------------------------------------------

    /** A browser's cookies, by name; attributes ignored (a browser sends Secure cookies to http://localhost too). */
    static final class Cookies {
        private final Map<String, String> values = new LinkedHashMap<>();

        void take(HttpResponse<?> response) {
            for (String header : response.headers().allValues("set-cookie")) {
                String pair = header.split(";", 2)[0];
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    values.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
                }
            }
        }

        HttpRequest.Builder on(HttpRequest.Builder request) {
            if (!values.isEmpty()) {
                StringBuilder header = new StringBuilder();
                values.forEach((name, value) -> header.append(header.isEmpty() ? "" : "; ").append(name).append('=')
                        .append(value));
                request.header("Cookie", header.toString());
            }
            return request;
        }

        boolean has(String name) {
            return values.containsKey(name);
        }
    }

    /** Latency histograms, one per request of a sign-in, in the order first seen. */
    static final class Steps {
        private final Map<String, Histogram> histograms = new LinkedHashMap<>();

        synchronized Histogram of(String step) {
            return histograms.computeIfAbsent(step, s -> new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3));
        }

        synchronized Map<String, Histogram> all() {
            return new LinkedHashMap<>(histograms);
        }
    }

    /** One server's sign-in path: where a lease (a ticket, a passkey) comes from, and the requests up to the code. */
    interface SignInPath {
        /** A lease for one sign-in, or null if none is left now. */
        Object take();

        void give(Object lease);

        /** The browser's requests up to the redirect carrying the code; returns the code. */
        String code(HttpClient http, Object lease, Steps steps) throws IOException, InterruptedException;
    }

    /** The confidential client of one server: its token endpoint and credentials. */
    record Client(URI tokenEndpoint, String clientId, String secret) {
        String basic() {
            String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }

        /** Exchanges {@code code}; null when the answer is 200 with an ID token, else the problem. */
        String exchange(HttpClient http, String code, Steps steps) throws IOException, InterruptedException {
            String form = "grant_type=authorization_code&code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)
                    + "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenEndpoint)
                    .timeout(Duration.ofSeconds(30)).header("Authorization", basic())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            record(steps, "POST token", start);
            if (response.statusCode() != 200 || !response.body().contains("\"id_token\"")) {
                return "token: HTTP " + response.statusCode() + " " + OpenLoop.shorten(response.body());
            }
            return null;
        }
    }

    private static void record(Steps steps, String step, long startNanos) {
        steps.of(step).recordValue(Math.min(TimeUnit.SECONDS.toMicros(120), (System.nanoTime() - startNanos) / 1000));
    }

    private static HttpResponse<String> send(HttpClient http, Cookies cookies, HttpRequest.Builder request,
            Steps steps, String step) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(cookies.on(request.timeout(Duration.ofSeconds(30))).build(),
                HttpResponse.BodyHandlers.ofString());
        record(steps, step, start);
        cookies.take(response);
        return response;
    }

    private static HttpRequest.Builder form(URI uri, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private static HttpRequest.Builder json(URI uri, Object body) throws IOException {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(DoorFixture.JSON.writeValueAsBytes(body)));
    }

    private static String expect(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new Refused(step + ": HTTP " + response.statusCode() + ", expected " + status + " "
                    + OpenLoop.shorten(response.body()));
        }
        return response.body();
    }

    /** A sign-in the server refused or answered unexpectedly (counted as an error, the run goes on). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static String authorizeQuery(String clientId, String state) {
        return "response_type=code&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8)
                + "&scope=openid&state=" + state + "&nonce=n" + state;
    }

    /** The {@code code} parameter of a redirect to {@link #REDIRECT}, checking that {@code state} came back. */
    private static String codeOf(String location, String state, String step) {
        if (location == null || !location.startsWith(REDIRECT + "?")) {
            throw new Refused(step + ": redirect to " + location);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : location.substring(REDIRECT.length() + 1).split("&")) {
            String[] nameValue = pair.split("=", 2);
            parameters.put(nameValue[0], nameValue.length == 2 ? URLDecoder.decode(nameValue[1],
                    StandardCharsets.UTF_8) : "");
        }
        if (!state.equals(parameters.get("state")) || parameters.get("code") == null) {
            throw new Refused(step + ": redirect without the code or the state: " + OpenLoop.shorten(location));
        }
        return parameters.get("code");
    }

    private static final AtomicLong STATES = new AtomicLong();

    private static String state() {
        return "s" + STATES.incrementAndGet();
    }

    /** Gatehouse's sign-in page: the interaction id, the {@code gh_signin} cookie set. */
    private static String gatehousePage(HttpClient http, URI base, String clientId, String state, Cookies cookies,
            Steps steps) throws IOException, InterruptedException {
        String page = expect(send(http, cookies, HttpRequest.newBuilder(base.resolve("/oauth2/authorize?"
                + authorizeQuery(clientId, state))).GET(), steps, "GET authorize"), 200, "authorize");
        Matcher input = INTERACTION.matcher(page);
        Matcher value = input.find() ? VALUE.matcher(input.group()) : null;
        if (value == null || !value.find() || !cookies.has("gh_signin")) {
            throw new Refused("authorize: no interaction field or no gh_signin cookie");
        }
        return value.group(1);
    }

    /** Gatehouse, TOTP: the page, then username and code in one form. */
    record GatehouseTotp(URI base, String clientId, Tickets tickets) implements SignInPath {
        @Override
        public Object take() {
            return tickets.next(System.currentTimeMillis());
        }

        @Override
        public void give(Object lease) {
            tickets.done((Ticket) lease);
        }

        @Override
        public String code(HttpClient http, Object lease, Steps steps) throws IOException, InterruptedException {
            Ticket ticket = (Ticket) lease;
            Cookies cookies = new Cookies();
            String state = state();
            String interaction = gatehousePage(http, base, clientId, state, cookies, steps);
            HttpResponse<String> signedIn = send(http, cookies, form(base.resolve("/oauth2/sign-in/totp"),
                    Map.of("interaction", interaction, "username", ticket.username(), "code", ticket.code())), steps,
                    "POST sign-in/totp");
            expect(signedIn, 303, "sign-in/totp");
            return codeOf(signedIn.headers().firstValue("location").orElse(null), state, "sign-in/totp");
        }
    }

    /** A user with a passkey. */
    record PasskeyUser(String username, SoftAuthenticator authenticator) {
    }

    /** Gatehouse, passkey: the page, the options, the assertion; the passkeys taken round-robin. */
    record GatehousePasskey(URI base, String clientId, List<PasskeyUser> users, AtomicInteger next)
            implements SignInPath {
        @Override
        public Object take() {
            return users.get(Math.floorMod(next.getAndIncrement(), users.size()));
        }

        @Override
        public void give(Object lease) {
        }

        @Override
        public String code(HttpClient http, Object lease, Steps steps) throws IOException, InterruptedException {
            PasskeyUser user = (PasskeyUser) lease;
            Cookies cookies = new Cookies();
            String state = state();
            String interaction = gatehousePage(http, base, clientId, state, cookies, steps);
            JsonNode options = DoorFixture.JSON.readTree(expect(send(http, cookies, json(base.resolve(
                    "/oauth2/sign-in/passkey/options"), Map.of("interaction", interaction)), steps,
                    "POST sign-in/passkey/options"), 200, "passkey options"));
            ObjectNode credential = user.authenticator().assertion(options.get("publicKey"));
            JsonNode done = DoorFixture.JSON.readTree(expect(send(http, cookies, json(base.resolve(
                    "/oauth2/sign-in/passkey"), Map.of("interaction", interaction, "ceremonyId",
                    options.get("ceremonyId").asText(), "credential", credential)), steps, "POST sign-in/passkey"),
                    200, "passkey"));
            return codeOf(done.path("redirect").asText(null), state, "sign-in/passkey");
        }
    }

    /** Keycloak, TOTP: the username form, then the OTP form. */
    record KeycloakTotp(URI realm, Tickets tickets) implements SignInPath {
        @Override
        public Object take() {
            return tickets.next(System.currentTimeMillis());
        }

        @Override
        public void give(Object lease) {
            tickets.done((Ticket) lease);
        }

        @Override
        public String code(HttpClient http, Object lease, Steps steps) throws IOException, InterruptedException {
            Ticket ticket = (Ticket) lease;
            Cookies cookies = new Cookies();
            String state = state();
            String usernamePage = expect(send(http, cookies, HttpRequest.newBuilder(realm.resolve(
                    "protocol/openid-connect/auth?" + authorizeQuery(KeycloakPeer.CLIENT_ID, state))).GET(), steps,
                    "GET auth"), 200, "auth");
            String otpPage = expect(send(http, cookies, form(action(usernamePage, "auth"), Map.of("username",
                    ticket.username())), steps, "POST username"), 200, "username");
            HttpResponse<String> signedIn = send(http, cookies, form(action(otpPage, "username"), Map.of("otp",
                    ticket.code())), steps, "POST otp");
            expect(signedIn, 302, "otp");
            return codeOf(signedIn.headers().firstValue("location").orElse(null), state, "otp");
        }
    }

    private static URI action(String page, String step) {
        Matcher action = FORM_ACTION.matcher(page);
        if (!action.find()) {
            throw new Refused(step + ": the page has no form");
        }
        return URI.create(action.group(1).replace("&amp;", "&"));
    }

    /**
     * Keycloak, passkey: the page of its passwordless WebAuthn authenticator (the challenge is in its script, the
     * answer goes in its hidden form {@code webauth}), then that form posted as its script would post it.
     */
    record KeycloakPasskey(URI realm, List<PasskeyUser> users, AtomicInteger next) implements SignInPath {
        private static final Pattern CHALLENGE = Pattern.compile("challenge\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern WEBAUTHN_FORM = Pattern.compile("<form[^>]*id=\"webauth\"[^>]*>");

        @Override
        public Object take() {
            return users.get(Math.floorMod(next.getAndIncrement(), users.size()));
        }

        @Override
        public void give(Object lease) {
        }

        @Override
        public String code(HttpClient http, Object lease, Steps steps) throws IOException, InterruptedException {
            PasskeyUser user = (PasskeyUser) lease;
            Cookies cookies = new Cookies();
            String state = state();
            String page = expect(send(http, cookies, HttpRequest.newBuilder(realm.resolve(
                    "protocol/openid-connect/auth?" + authorizeQuery(KeycloakPeer.CLIENT_ID, state))).GET(), steps,
                    "GET auth"), 200, "auth");
            Matcher challenge = CHALLENGE.matcher(page);
            Matcher form = WEBAUTHN_FORM.matcher(page);
            if (!challenge.find() || !form.find()) {
                throw new Refused("auth: no WebAuthn challenge or form on the page");
            }
            JsonNode response = user.authenticator().assertionResponse(challenge.group(1));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("clientDataJSON", response.get("clientDataJSON").asText());
            fields.put("authenticatorData", response.get("authenticatorData").asText());
            fields.put("signature", response.get("signature").asText());
            fields.put("credentialId", user.authenticator().credentialIdText());
            fields.put("userHandle", response.get("userHandle").asText());
            fields.put("error", "");
            HttpResponse<String> signedIn = send(http, cookies, form(action(form.group(), "auth"), fields), steps,
                    "POST webauthn");
            expect(signedIn, 302, "webauthn");
            return codeOf(signedIn.headers().firstValue("location").orElse(null), state, "webauthn");
        }
    }

    // ---- The closed loops -----------------------------------------------------------------------------

    /** One closed-loop phase: sign-ins (or exchanges) done, their latency, and each request's. */
    record Phase(String name, int clients, double seconds, long ok, long errors, boolean exhausted, Histogram latency,
            Map<String, Histogram> steps, String firstError) {
        double rate() {
            return ok / seconds;
        }

        /** The phases of one kind over the rounds as one: counts and times added, histograms merged. */
        static Phase merge(List<Phase> phases) {
            if (phases.isEmpty()) {
                return null;
            }
            Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
            Map<String, Histogram> steps = new LinkedHashMap<>();
            long ok = 0;
            long errors = 0;
            double seconds = 0;
            boolean exhausted = false;
            String firstError = null;
            for (Phase phase : phases) {
                ok += phase.ok();
                errors += phase.errors();
                seconds += phase.seconds();
                exhausted |= phase.exhausted();
                firstError = firstError != null ? firstError : phase.firstError();
                latency.add(phase.latency());
                phase.steps().forEach((step, h) -> steps.computeIfAbsent(step, k -> new Histogram(
                        TimeUnit.SECONDS.toMicros(120), 3)).add(h));
            }
            return new Phase(phases.get(0).name(), phases.get(0).clients(), seconds, ok, errors, exhausted, latency,
                    steps, firstError);
        }

        double p(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }

        String line() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s, %d clients x %.1f s: ok %d, errors"
                    + " %d, %.0f/s; latency ms p50 %.2f p99 %.2f max %.2f", name, clients, seconds, ok, errors, rate(),
                    p(50), p(99), latency.getMaxValue() / 1000.0));
            steps.forEach((step, h) -> out.append(String.format(Locale.ROOT, "; %s p50 %.2f p99 %.2f", step,
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0)));
            out.append(exhausted ? " [ran out of (user, step) pairs]" : "");
            out.append(firstError == null ? "" : "; first error: " + firstError);
            return out.toString();
        }
    }

    /** What a worker does with a code once it has one: exchange it now, or keep it for the token phase. */
    private interface CodeSink {
        String accept(String code, Steps steps) throws IOException, InterruptedException;
    }

    private Phase signIns(String name, HttpClient http, SignInPath path, CodeSink sink, int duration)
            throws InterruptedException {
        Steps steps = new Steps();
        return loop(name, duration, steps, () -> {
            Object lease = path.take();
            if (lease == null) {
                return Outcome.EXHAUSTED;
            }
            try {
                String problem = sink.accept(path.code(http, lease, steps), steps);
                return problem == null ? Outcome.OK : new Outcome(problem);
            } finally {
                path.give(lease);
            }
        });
    }

    private Phase exchanges(String name, HttpClient http, Client client, Queue<String> codes)
            throws InterruptedException {
        Steps steps = new Steps();
        return loop(name, 60, steps, () -> {
            String code = codes.poll();
            if (code == null) {
                return Outcome.DONE;
            }
            String problem = client.exchange(http, code, steps);
            return problem == null ? Outcome.OK : new Outcome(problem);
        });
    }

    /** The outcome of one unit of work: OK, a problem, or nothing left to do. */
    record Outcome(String problem) {
        static final Outcome OK = new Outcome(null);
        static final Outcome EXHAUSTED = new Outcome("exhausted");
        static final Outcome DONE = new Outcome("done");
    }

    private interface Work {
        Outcome run() throws IOException, InterruptedException;
    }

    private Phase loop(String name, int duration, Steps steps, Work work) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicBoolean exhausted = new AtomicBoolean();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(duration);
        AtomicLong lastEnd = new AtomicLong(start);
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread worker = LoadServer.daemon("sign-in-client").newThread(() -> {
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    Outcome outcome;
                    try {
                        outcome = work.run();
                    } catch (IOException | RuntimeException e) {
                        outcome = new Outcome(e instanceof Refused ? e.getMessage() : e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (outcome == Outcome.EXHAUSTED) {
                        exhausted.set(true);
                        return;
                    }
                    if (outcome == Outcome.DONE) {
                        return;
                    }
                    long done = System.nanoTime();
                    lastEnd.accumulateAndGet(done, Math::max);
                    latency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(120), (done - sent) / 1000));
                    if (outcome.problem() == null) {
                        ok.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, outcome.problem());
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(duration + 60L));
        }
        // A phase that ends early (every code exchanged) is timed to its last answer, not to its deadline.
        double elapsed = (Math.min(lastEnd.get(), end + TimeUnit.SECONDS.toNanos(60)) - start) / 1e9;
        return new Phase(name, clients, Math.max(elapsed, 1e-3), ok.get(), errors.get(), exhausted.get(),
                latency.copy(), steps.all(), firstError.get());
    }

    // ---- One server's side of the run ----------------------------------------------------------------

    /** What one server is measured on, and what has been measured so far. */
    static final class Side {
        final String server;
        final SignInPath totp;
        final Client totpClient;
        final SignInPath passkey;
        final Client passkeyClient;
        final long pid;
        final String setup;
        final long rssAfterSetupKb;
        final Map<String, List<Phase>> phases = new LinkedHashMap<>();
        RssPeak peak;

        Side(String server, SignInPath totp, Client totpClient, SignInPath passkey, Client passkeyClient, long pid,
                String setup) {
            this.server = server;
            this.totp = totp;
            this.totpClient = totpClient;
            this.passkey = passkey;
            this.passkeyClient = passkeyClient;
            this.pid = pid;
            this.setup = setup;
            this.rssAfterSetupKb = LoadServer.rssKb(pid);
        }

        void add(String kind, Phase phase) {
            phases.computeIfAbsent(kind, k -> new ArrayList<>()).add(phase);
        }

        Phase merged(String kind) {
            return Phase.merge(phases.getOrDefault(kind, List.of()));
        }

        String rates(String kind) {
            StringBuilder out = new StringBuilder();
            for (Phase phase : phases.getOrDefault(kind, List.of())) {
                out.append(out.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", phase.rate()));
            }
            return out.toString();
        }
    }

    /** Sign-ins with exchange for {@code --warmup-seconds}, reported, not judged. */
    private void warmUp(String server, HttpClient http, SignInPath path, Client client) throws InterruptedException {
        if (warmupSeconds > 0) {
            log("%s warm-up %s", server, signIns("warm-up", http, path, (code, steps) -> client.exchange(http, code,
                    steps), warmupSeconds).line());
        }
    }

    private static final String TOTP = "TOTP sign-in";
    private static final String TOKEN = "token endpoint (code exchange)";
    private static final String PASSKEY = "passkey sign-in";

    /** One measured phase of {@code kind} on {@code side}. */
    private Phase measure(Side side, String kind, HttpClient http) throws InterruptedException {
        Phase phase = switch (kind) {
            case TOTP -> signIns(kind, http, side.totp, (code, steps) -> side.totpClient.exchange(http, code, steps),
                    seconds);
            case PASSKEY -> signIns(kind, http, side.passkey, (code, steps) -> side.passkeyClient.exchange(http, code,
                    steps), seconds);
            default -> {
                Queue<String> codes = new ConcurrentLinkedQueue<>();
                Phase stock = signIns("codes for the token phase", http, side.totp, (code, steps) -> {
                    codes.add(code);
                    return null;
                }, stockSeconds);
                log("%s %s", side.server, stock.line());
                yield exchanges(kind, http, side.totpClient, codes);
            }
        };
        log("%s %s", side.server, phase.line());
        side.add(kind, phase);
        return phase;
    }

    private Side keycloak(HttpClient http, Path data, List<AutoCloseable> open) throws Exception {
        SecureRandom random = new SecureRandom();
        List<KeycloakPeer.OtpUser> otpUsers = new ArrayList<>();
        List<User> ticketUsers = new ArrayList<>();
        long before = Tickets.lowestStep(System.currentTimeMillis()) - 1;
        TotpParameters params = new TotpParameters(OtpAlgorithm.SHA1, TotpLoad.DIGITS, TotpLoad.PERIOD);
        for (int i = 0; i < users; i++) {
            String secret = KeycloakPeer.secret(random, 20);
            otpUsers.add(new KeycloakPeer.OtpUser("kc-user-" + i, secret));
            ticketUsers.add(new User(null, "kc-user-" + i, new Totp(params, secret.getBytes(StandardCharsets.US_ASCII)),
                    before));
        }
        long started = System.nanoTime();
        String clientSecret = KeycloakPeer.secret(random, 32);
        KeycloakPeer peer = KeycloakPeer.start(keycloak, data, System.getProperty("java.home"), http);
        open.add(peer);
        double startSeconds = (System.nanoTime() - started) / 1e9;
        long realmStart = System.nanoTime();
        peer.createRealm(TotpLoad.DIGITS, TotpLoad.PERIOD, TotpLoad.AHEAD, REDIRECT, clientSecret, otpUsers);
        double realmSeconds = (System.nanoTime() - realmStart) / 1e9;
        List<PasskeyUser> passkeys = new ArrayList<>();
        List<KeycloakPeer.PasskeyUser> imported = new ArrayList<>();
        for (int i = 0; i < passkeyUsers; i++) {
            String id = UUID.randomUUID().toString();
            SoftAuthenticator authenticator = new SoftAuthenticator(peer.base().toString(), peer.base().getHost());
            imported.add(new KeycloakPeer.PasskeyUser(id, "kc-passkey-user-" + i,
                    authenticator.imported(id.getBytes(StandardCharsets.UTF_8))));
            passkeys.add(new PasskeyUser("kc-passkey-user-" + i, authenticator));
        }
        peer.createPasskeyRealm(REDIRECT, clientSecret, imported);
        String setup = String.format(Locale.ROOT, "started in %.0f s; realm with %d TOTP users imported in %.1f s; a"
                + " second realm with %d passkey users", startSeconds, users, realmSeconds, passkeyUsers);
        URI totpRealm = peer.realm(KeycloakPeer.REALM);
        URI passkeyRealm = peer.realm(KeycloakPeer.PASSKEY_REALM);
        Side side = new Side("Keycloak 26.7.3", new KeycloakTotp(totpRealm, new Tickets(ticketUsers,
                TICKET_MARGIN_MILLIS)), new Client(totpRealm.resolve("protocol/openid-connect/token"),
                KeycloakPeer.CLIENT_ID, clientSecret), new KeycloakPasskey(passkeyRealm, passkeys, new AtomicInteger()),
                new Client(passkeyRealm.resolve("protocol/openid-connect/token"), KeycloakPeer.CLIENT_ID, clientSecret),
                peer.pid(), setup);
        log("Keycloak pid %d on %s: %s; VmRSS %,d KiB", side.pid, peer.base(), setup, side.rssAfterSetupKb);
        return side;
    }

    private Side gatehouse(HttpClient http, Path data, List<AutoCloseable> open) throws Exception {
        LoadServer server = new LoadServer(javaBin, jar, serverOpts, data);
        open.add(server);
        URI base = server.startOnLocalhost(http);
        server.stopSampling(); // this generator samples both servers alike (RssPeak)
        TotpLoad.Api api = new TotpLoad.Api(http, base, server.adminToken());
        api.send("PUT", "/api/v1/policies/" + TotpLoad.ROLE, Map.of("algorithm", "SHA1", "digits",
                TotpLoad.DIGITS, "periodSeconds", TotpLoad.PERIOD, "lookBehindSteps", TotpLoad.BEHIND,
                "lookAheadSteps", TotpLoad.AHEAD, "totpRequired", true, "enrollmentLinkTtlSeconds", 3600), 200);
        JsonNode registered = api.send("POST", "/api/v1/oidc/clients", Map.of("name", "Bench app",
                "redirectUris", List.of(REDIRECT), "public", false), 201);
        Client client = new Client(base.resolve("/oauth2/token"), registered.get("clientId").asText(),
                registered.get("clientSecret").asText());
        long enrollStart = System.nanoTime();
        List<User> enrolled = enroll(api);
        double enrollSeconds = (System.nanoTime() - enrollStart) / 1e9;
        long passkeyStart = System.nanoTime();
        List<PasskeyUser> passkeys = new ArrayList<>();
        for (User user : enrolled.subList(0, passkeyUsers)) {
            passkeys.add(new PasskeyUser(user.username(), registerPasskey(api, base, user.id())));
        }
        String setup = String.format(Locale.ROOT, "%d users enrolled with TOTP over HTTP in %.1f s (%d threads); %d"
                + " of them given a passkey in %.1f s; JVM options %s", users, enrollSeconds, enrollers, passkeyUsers,
                (System.nanoTime() - passkeyStart) / 1e9, serverOpts.isEmpty() ? "(none)" : serverOpts);
        Side side = new Side("Gatehouse", new GatehouseTotp(base, client.clientId(), new Tickets(enrolled,
                TICKET_MARGIN_MILLIS)), client, new GatehousePasskey(base, client.clientId(), passkeys,
                new AtomicInteger()), client, server.pid(), setup);
        log("Gatehouse pid %d on %s: %s; VmRSS %,d KiB", side.pid, base, setup, side.rssAfterSetupKb);
        return side;
    }

    private List<User> enroll(TotpLoad.Api api) throws Exception {
        User[] enrolled = new User[users];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(enrollers, LoadServer.daemon("sign-in-enroll"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < enrollers; t++) {
                done.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < users; ) {
                        enrolled[i] = TotpLoad.enrollOne(api, "sign-in-user-" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.of(enrolled);
    }

    /** A device enrollment link for the user, then the registration ceremony with a software passkey. */
    private static SoftAuthenticator registerPasskey(TotpLoad.Api api, URI base, String userId)
            throws IOException, InterruptedException {
        String url = api.send("POST", "/api/v1/users/" + userId + "/device-enrollments", Map.of(), 201)
                .get("enrollmentUrl").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        JsonNode options = api.call(base.resolve("/api/v1/passkeys/registration/options"), "POST",
                Map.of("enrollmentToken", token), false, 200);
        SoftAuthenticator authenticator = new SoftAuthenticator(base.toString(), base.getHost());
        api.call(base.resolve("/api/v1/passkeys/registration"), "POST", Map.of("enrollmentToken", token, "ceremonyId",
                options.get("ceremonyId").asText(), "credential", authenticator.register(options.get("publicKey"))),
                false, 201);
        return authenticator;
    }

    /** Samples a process's VmRSS every 100 ms. */
    static final class RssPeak {
        private final Thread thread;
        private volatile long peakKb;

        RssPeak(long pid) {
            thread = LoadServer.daemon("rss-peak").newThread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakKb = Math.max(peakKb, LoadServer.rssKb(pid));
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        long peakKb() {
            return peakKb;
        }

        void stop() {
            thread.interrupt();
        }
    }

    // ---- The passkey floor ----------------------------------------------------------------------------

    /**
     * Per passkey sign-in the signatures Gatehouse must compute: one P-256 verification of the assertion (over
     * authenticator data and the client data hash) and one P-256 signature of the ES256 ID token; operations per
     * second with one thread per core, after a 2 s warm-up, over 5 s.
     */
    static double signatureFloor() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        KeyPair credential = SoftAuthenticator.p256();
        KeyPair issuer = SoftAuthenticator.p256();
        byte[] signed = new byte[37 + 32];
        new SecureRandom().nextBytes(signed);
        byte[] idToken = new byte[600];
        new SecureRandom().nextBytes(idToken);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(credential.getPrivate());
        signer.update(signed);
        byte[] assertion = signer.sign();
        AtomicLong done = new AtomicLong();
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(5);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    Signature verify = Signature.getInstance("SHA256withECDSA");
                    Signature sign = Signature.getInstance("SHA256withECDSA");
                    long nowNanos;
                    while ((nowNanos = System.nanoTime()) < end) {
                        verify.initVerify(credential.getPublic());
                        verify.update(signed);
                        if (!verify.verify(assertion)) {
                            throw new IllegalStateException("the floor's assertion did not verify");
                        }
                        sign.initSign(issuer.getPrivate());
                        sign.update(idToken);
                        sign.sign();
                        if (nowNanos >= warmEnd) {
                            done.incrementAndGet();
                        }
                    }
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        return done.get() / 5.0;
    }

    // ---- The run and its report -----------------------------------------------------------------------

    String run() throws Exception {
        Path data = Files.createTempDirectory("gatehouse-sign-in-load-");
        log("machine: %d processors; load average %s; jar %s; Keycloak %s", Runtime.getRuntime().availableProcessors(),
                LoadServer.loadAverage(), jar, keycloak);
        ExecutorService callbacks = Executors.newFixedThreadPool(4, LoadServer.daemon("sign-in-load-http"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<Side> sides = new ArrayList<>();
            if (!only.equals("gatehouse")) {
                sides.add(keycloak(http, privateDirectory(data.resolve("keycloak")), open));
            }
            if (!only.equals("keycloak")) {
                LoadServer.requireJar(jar);
                sides.add(gatehouse(http, privateDirectory(data.resolve("gatehouse")), open));
            }
            // Both paths of both servers are warm before anything is measured, so that no phase pays for another's
            // JIT compilation.
            for (Side side : sides) {
                warmUp(side.server, http, side.totp, side.totpClient);
                warmUp(side.server + " passkey", http, side.passkey, side.passkeyClient);
            }
            for (Side side : sides) {
                side.peak = new RssPeak(side.pid);
            }
            // Rounds alternate the order of the servers (ABBA), so that a change in the machine's other load during
            // the run falls on both.
            for (int round = 0; round < rounds; round++) {
                List<Side> order = new ArrayList<>(sides);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                log("round %d of %d; load average %s", round + 1, rounds, LoadServer.loadAverage());
                for (String kind : List.of(TOTP, PASSKEY, TOKEN)) {
                    for (Side side : order) {
                        measure(side, kind, http);
                    }
                }
            }
            List<ServerResult> results = new ArrayList<>();
            for (Side side : sides) {
                side.peak.stop();
                results.add(new ServerResult(side, LoadServer.rssKb(side.pid)));
                log("%s VmRSS after the load %,d KiB, peak %,d KiB", side.server, LoadServer.rssKb(side.pid),
                        side.peak.peakKb());
            }
            for (AutoCloseable server : open) {
                server.close();
            }
            double floor = only.equals("keycloak") ? 0 : signatureFloor();
            if (floor > 0) {
                log("signature floor (1 P-256 verification + 1 P-256 signature, %d threads): %.0f/s",
                        Runtime.getRuntime().availableProcessors(), floor);
            }
            ServerResult gatehouseResult = results.stream().filter(r -> r.server().equals("Gatehouse")).findFirst()
                    .orElse(null);
            ServerResult keycloakResult = results.stream().filter(r -> !r.server().equals("Gatehouse")).findFirst()
                    .orElse(null);
            return report(gatehouseResult, keycloakResult, floor);
        } finally {
            for (AutoCloseable server : open) {
                server.close();
            }
            callbacks.shutdownNow();
            if (keepLog) {
                log("server logs kept in %s", data);
            }
            LoadServer.delete(data, keepLog);
        }
    }

    /** Everything measured on one server, its phases merged over the rounds. */
    record ServerResult(String server, Phase totp, Phase token, Phase passkey, String totpRates, String tokenRates,
            String passkeyRates, long rssAfterSetupKb, long rssPeakKb, long rssAfterKb, String setup) {
        ServerResult(Side side, long rssAfterKb) {
            this(side.server, side.merged(TOTP), side.merged(TOKEN), side.merged(PASSKEY), side.rates(TOTP),
                    side.rates(TOKEN), side.rates(PASSKEY), side.rssAfterSetupKb, side.peak.peakKb(), rssAfterKb,
                    side.setup);
        }
    }

    /** Gatehouse refuses a data directory that other users can read. */
    private static Path privateDirectory(Path path) throws IOException {
        return Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                "rwx------")));
    }

    private String report(ServerResult gatehouse, ServerResult keycloak, double floor) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nSign-ins over HTTP (SignInLoad; each server in its own JVM,"
                + " measured in turns; loopback; %d users; %d closed-loop clients; %d s warm-up per path, %d rounds of %d"
                + " s per path; %d processors shared with the load generator; load average at the end %s)%n%n", users,
                clients, warmupSeconds, rounds, seconds, Runtime.getRuntime().availableProcessors(),
                LoadServer.loadAverage()));
        out.append("| server | path | ok | errors | per s | per s, each round | p50 ms | p99 ms | requests (p50 / p99 ms) |\n"
                + "|---|---|---:|---:|---:|---|---:|---:|---|\n");
        for (ServerResult result : new ServerResult[] {gatehouse, keycloak}) {
            if (result == null) {
                continue;
            }
            row(out, result.server(), TOTP, result.totp(), result.totpRates());
            row(out, result.server(), TOKEN, result.token(), result.tokenRates());
            row(out, result.server(), PASSKEY, result.passkey(), result.passkeyRates());
        }
        out.append("\n| server | resident memory after setup | peak under load | after the load |\n|---|---:|---:|---:|\n");
        for (ServerResult result : new ServerResult[] {gatehouse, keycloak}) {
            if (result != null) {
                out.append(String.format(Locale.ROOT, "| %s | %.0f MiB | %.0f MiB | %.0f MiB |%n", result.server(),
                        result.rssAfterSetupKb() / 1024.0, result.rssPeakKb() / 1024.0, result.rssAfterKb() / 1024.0));
            }
        }
        out.append("\n| ratio | value |\n|---|---:|\n");
        if (gatehouse != null && keycloak != null) {
            out.append(String.format(Locale.ROOT, "| TOTP sign-ins/s, Gatehouse / Keycloak | %.2f |%n",
                    gatehouse.totp().rate() / keycloak.totp().rate()));
            out.append(String.format(Locale.ROOT, "| code exchanges/s, Gatehouse / Keycloak | %.2f |%n",
                    gatehouse.token().rate() / keycloak.token().rate()));
            out.append(String.format(Locale.ROOT, "| resident memory after the load, Gatehouse / Keycloak | %.2f |%n",
                    gatehouse.rssAfterKb() / (double) keycloak.rssAfterKb()));
        }
        if (gatehouse != null && keycloak != null && keycloak.passkey() != null) {
            out.append(String.format(Locale.ROOT, "| passkey sign-ins/s, Gatehouse / Keycloak | %.2f |%n",
                    gatehouse.passkey().rate() / keycloak.passkey().rate()));
        }
        if (gatehouse != null && floor > 0) {
            out.append(String.format(Locale.ROOT, "| passkey sign-ins/s / signature floor (%.0f/s: 1 P-256"
                    + " verification + 1 P-256 signature, one thread per core) | %.2f |%n", floor,
                    gatehouse.passkey().rate() / floor));
        }
        for (ServerResult result : new ServerResult[] {gatehouse, keycloak}) {
            if (result != null) {
                out.append(String.format(Locale.ROOT, "%n%s setup: %s", result.server(), result.setup()));
            }
        }
        return out.append("\n").toString();
    }

    private static void row(StringBuilder out, String server, String path, Phase phase, String rates) {
        if (phase == null) {
            return;
        }
        StringBuilder steps = new StringBuilder();
        phase.steps().forEach((step, h) -> steps.append(steps.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT,
                "%s %.1f / %.1f", step, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0)));
        out.append(String.format(Locale.ROOT, "| %s | %s%s | %d | %d | %.0f | %s | %.2f | %.2f | %s |%n", server,
                path, phase.exhausted() ? " (ran out of pairs)" : "", phase.ok(), phase.errors(), phase.rate(), rates,
                phase.p(50), phase.p(99), steps));
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[sign-in-load %tT] %s%n", System.currentTimeMillis(),
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
