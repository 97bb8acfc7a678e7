package io.gatehouse.server.login;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.DeviceCredential;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.login.LoginRequestStore.State;
import io.gatehouse.server.login.LoginRequestStore.Stored;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.passkey.PasskeyService;
import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * "Sign in with your phone": a browser asks, an enrolled phone approves with a user-verified passkey, the browser
 * completes. Against a login QR code relayed to someone else (QRLjacking) the phone shows which application asks,
 * from which browser and roughly where, and the person must pick the number only the asking browser shows out of
 * three; a wrong pick ends the request for good. A request lives a minute, binds to the first phone that answers,
 * and yields one completion token that lives a minute and is spent once.
 */
public final class LoginRequests {
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    public static final Duration TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** The path of the phone's approval page; the QR code holds this path under the public base URL. */
    public static final String PHONE_PATH = "/login/r/";
    /** A hardware-bound key (the passkey) that verified its user: RFC 8176's names. */
    public static final List<String> AMR = List.of("hwk", "user");
    /** Long past any use (a request and its token live minutes); a day leaves room to look at a row. */
    public static final Duration KEEP = Duration.ofDays(1);
    /** The state of a request that waits for its phone, as {@link Status#state()} says it. */
    public static final String PENDING = State.PENDING.code();
    private static final int CHOICES = 3;

    private final Database database;
    private final AuditLog audit;
    private final PasskeyService passkeys;
    private final Devices devices;
    private final ApproximateLocation location;
    private final Supplier<URI> base;
    private final Clock clock;
    private final SecureRandom random;
    private final CreationLimit creations = new CreationLimit();

    public LoginRequests(Database database, AuditLog audit, PasskeyService passkeys, Devices devices,
            ApproximateLocation location, Supplier<URI> base, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.passkeys = passkeys;
        this.devices = devices;
        this.location = location;
        this.base = base;
        this.clock = clock;
        this.random = random;
    }

    /** What the asking browser gets: its secret (to poll with), the QR code's text, and the number to show. */
    public record Created(String id, String secret, String loginRequest, int number, Instant expiresAt) {
    }

    /** What the phone shows before its person approves; never the number, only three choices. */
    public record Shown(String application, String browser, String location, Instant requestedAt, Instant expiresAt,
            List<Integer> choices) {
        private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
                .withZone(ZoneOffset.UTC);

        /** The time of the request as a person reads it; the page's script shows it in the phone's own zone. */
        public String requestedAtText() {
            return CLOCK_TIME.format(requestedAt);
        }
    }

    /** Where the request stands, for its browser; the completion token only once, right after approval. */
    public record Status(String state, Instant expiresAt, String reason, Optional<String> completionToken) {
    }

    /** The phone's answer was accepted. */
    public record Approved(String application) {
    }

    /** Whom a spent completion token signs in, and how they proved it. */
    public record Completed(String userId, String deviceId, List<String> amr, boolean userVerified,
            Instant authTime) {
    }

    /**
     * A new request of {@code application} from the browser {@code client}: 1 its source created fewer than
     * {@link CreationLimit#MAX_PER_WINDOW} requests in the last minute (else 429 with the seconds until one fits;
     * the first refusal of a minute is audited).
     */
    public Created create(String application, ClientInfo client) {
        String id = Ids.newId(random, "lrq");
        String handle = Ids.randomBase32(random, 20);
        String secret = Ids.randomBase32(random, 32);
        int number = 10 + random.nextInt(90);
        List<Integer> choices = choices(number);
        long now = clock.millis();
        long expiresAt = now + LIFETIME.toMillis();
        String browser = BrowserDescription.of(client.userAgent());
        String where = location.describe(client.address());
        String source = client.network();
        long retryAfter = database.decide(tx -> {
            long wait = CreationLimit.retryAfterSeconds(LoginRequestStore.createdBySourceSince(tx, source,
                    CreationLimit.windowStart(now)), now);
            if (wait > 0) {
                return wait;
            }
            LoginRequestStore.insert(tx, new LoginRequestStore.NewRequest(id, Ids.sha256(handle), Ids.sha256(secret),
                    application, browser, where, source, number, choices, now, expiresAt));
            audit.append(tx, AuditEvent.of("login:" + id, "login.request.create", client).subject("login:" + id)
                    .detail("application", application).detail("browser", browser).detail("location", where)
                    .success());
            return 0L;
        });
        if (retryAfter > 0) {
            throw throttled(source, retryAfter, client, now);
        }
        String url = base.get().resolve(PHONE_PATH + handle).toString();
        return new Created(id, secret, url, number, Instant.ofEpochMilli(expiresAt));
    }

    private GatehouseException throttled(String source, long retryAfter, ClientInfo client, long now) {
        if (creations.firstRefusal(source, now)) {
            database.inTransaction(tx -> {
                audit.append(tx, AuditEvent.of("source:" + source, "login.request.create", client)
                        .reason("too_many_login_requests").detail("source", source)
                        .detail("limit", CreationLimit.MAX_PER_WINDOW)
                        .detail("windowSeconds", CreationLimit.WINDOW.toSeconds())
                        .detail("retryAfterSeconds", retryAfter).result("denied"));
                return null;
            });
        }
        return GatehouseException.tooMany("too_many_login_requests", "this network asked for "
                + CreationLimit.MAX_PER_WINDOW + " login requests within " + CreationLimit.WINDOW.toSeconds()
                + " seconds; try again in " + retryAfter + " s", retryAfter);
    }

    /** The request behind a QR code, as the phone shows it: 1 the handle is known, 2 it is still pending. */
    public Shown show(String handle) {
        Stored request = pending(handle);
        return new Shown(request.application(), request.browser(), request.location(),
                Instant.ofEpochMilli(request.createdAt()), Instant.ofEpochMilli(request.expiresAt()),
                request.choices());
    }

    /**
     * Options for the phone's passkey, only while the request waits for an answer. The ceremony is recorded as this
     * request's: its answer can approve this request and no other.
     */
    public Ceremonies.Options approvalOptions(String handle) {
        Stored request = pending(handle);
        Ceremonies.Options options = passkeys.discoverableAssertionOptions();
        database.inTransaction(tx -> {
            LoginRequestStore.addCeremony(tx, options.ceremonyId(), request.id());
            return null;
        });
        return options;
    }

    /**
     * The phone's answer: 1 the handle is known, 2 the request has not expired, 3 no phone answered it yet, 4 the
     * passkey ceremony was started by this request's options (else the request ends for good: an assertion made for
     * another request was carried here), 5 the assertion passes every check of {@link PasskeyService#finishAssertion}
     * (an active device, user verification, signature, counter), 6 its person is not suspended, 7 the person picked
     * the number the browser shows (a wrong pick ends the request for good: the one who relayed the code cannot try
     * the other two), 8 the request is still pending when it is bound to this phone (two phones answering at once:
     * the first wins).
     */
    public Approved approve(String handle, int choice, Ceremonies.Answer answer, ClientInfo client) {
        Stored request = pending(handle);
        requireOwnCeremony(request, answer.ceremonyId(), client);
        Ceremonies.Verified verified = passkeys.finishAssertion(answer, client);
        if (!verified.userVerified()) {
            throw GatehouseException.unprocessable("user_verification_missing", "the authenticator did not verify"
                    + " the user");
        }
        boolean userActive = devices.credentialOfDevice(verified.deviceId()).map(DeviceCredential::userActive)
                .orElse(false);
        if (!userActive) {
            database.inTransaction(tx -> {
                audit.append(tx, AuditEvent.of("device:" + verified.deviceId(), "login.request.deny", client)
                        .user(verified.userId()).subject("login:" + request.id()).reason("user_suspended")
                        .result("denied"));
                return null;
            });
            throw GatehouseException.forbidden("user_suspended", "your account is suspended; it cannot sign in");
        }
        long now = clock.millis();
        if (choice != request.number()) {
            boolean denied = database.decide(tx -> {
                boolean ended = LoginRequestStore.deny(tx, request.id(), "wrong_number", verified.userId(),
                        verified.deviceId(), now);
                if (ended) {
                    audit.append(tx, AuditEvent.of("device:" + verified.deviceId(), "login.request.deny", client)
                            .user(verified.userId()).subject("login:" + request.id()).reason("wrong_number")
                            .detail("choice", choice).result("denied"));
                }
                return ended;
            });
            if (!denied) {
                throw alreadyAnswered();
            }
            throw GatehouseException.forbidden("wrong_number", "this is not the number the browser shows; the"
                    + " request is refused for good. If you did not start this sign-in yourself, someone may have"
                    + " sent you their code");
        }
        boolean bound = database.decide(tx -> {
            boolean approved = LoginRequestStore.approve(tx, request.id(), verified.userId(), verified.deviceId(),
                    now);
            if (approved) {
                audit.append(tx, AuditEvent.of("device:" + verified.deviceId(), "login.request.approve", client)
                        .user(verified.userId()).subject("login:" + request.id())
                        .detail("application", request.application()).success());
            }
            return approved;
        });
        if (!bound) {
            throw alreadyAnswered();
        }
        return new Approved(request.application());
    }

    /**
     * The phone's person says they did not start this: 1 the handle is known, 2 the request is still pending; it is
     * denied for good. No passkey is needed: whoever holds the QR code could spoil the request by picking a wrong
     * number anyway, and a refusal must be easy for someone who is being tricked.
     */
    public void decline(String handle, ClientInfo client) {
        Stored request = pending(handle);
        boolean denied = database.decide(tx -> {
            boolean ended = LoginRequestStore.deny(tx, request.id(), "declined", null, null, clock.millis());
            if (ended) {
                audit.append(tx, AuditEvent.of("login:" + request.id(), "login.request.deny", client)
                        .subject("login:" + request.id()).reason("declined").result("denied"));
            }
            return ended;
        });
        if (!denied) {
            throw alreadyAnswered();
        }
    }

    /**
     * The browser's poll: 1 the request exists, 2 the browser holds its secret; then the state. Right after
     * approval, and once only, the answer carries the completion token.
     */
    public Status status(String id, String secret, ClientInfo client) {
        Stored request = database.read(tx -> LoginRequestStore.byId(tx, id)).orElseThrow(() ->
                GatehouseException.notFound("login_request_not_found", "no login request with id '" + id + "'"));
        if (secret == null || !MessageDigest.isEqual(Ids.sha256(secret), request.secretHash())) {
            throw GatehouseException.forbidden("login_request_secret", "this login request belongs to another"
                    + " browser");
        }
        long now = clock.millis();
        Instant expiresAt = Instant.ofEpochMilli(request.expiresAt());
        State state = current(request, now);
        if (state == State.APPROVED && !request.tokenIssued()
                && now >= request.answeredAt() + TOKEN_LIFETIME.toMillis()) {
            return new Status(State.EXPIRED.code(), expiresAt, "not_collected", Optional.empty());
        }
        if (state != State.APPROVED || request.tokenIssued()) {
            return new Status(state.code(), expiresAt, request.reason(), Optional.empty());
        }
        String token = "glc_" + Ids.randomBase32(random, 32);
        boolean issued = database.decide(tx -> LoginRequestStore.issueToken(tx, request.id(), Ids.sha256(token),
                now + TOKEN_LIFETIME.toMillis()));
        return new Status(state.code(), expiresAt, null, issued ? Optional.of(token) : Optional.empty());
    }

    /**
     * Spends a completion token for the sign-in it stands for: 1 the token is known, 2 not spent, 3 not expired.
     * Every refusal is audited: a replayed token is a sign that something copied it.
     */
    public Completed complete(String token, ClientInfo client) {
        Optional<Stored> found = token == null ? Optional.empty()
                : database.read(tx -> LoginRequestStore.byToken(tx, Ids.sha256(token)));
        if (found.isEmpty()) {
            throw GatehouseException.notFound("completion_token_unknown", "this completion token is unknown");
        }
        Stored request = found.get();
        long now = clock.millis();
        String refusal = request.state() == State.COMPLETED ? "token_used"
                : request.tokenExpiresAt() == null || now >= request.tokenExpiresAt() ? "token_expired" : null;
        boolean spent = refusal == null && database.decide(tx -> {
            boolean completed = LoginRequestStore.complete(tx, request.id(), now);
            if (completed) {
                audit.append(tx, AuditEvent.of("login:" + request.id(), "login.request.complete", client)
                        .user(request.userId()).subject("login:" + request.id()).success());
            }
            return completed;
        });
        if (!spent) {
            String reason = refusal == null ? "token_used" : refusal;
            database.inTransaction(tx -> {
                audit.append(tx, AuditEvent.of("login:" + request.id(), "login.request.complete", client)
                        .user(request.userId()).subject("login:" + request.id()).reason(reason).result("denied"));
                return null;
            });
            throw GatehouseException.gone(reason.equals("token_used") ? "completion_token_used"
                    : "completion_token_expired", reason.equals("token_used")
                    ? "this completion token was already spent" : "this completion token has expired");
        }
        return new Completed(request.userId(), request.deviceId(), AMR, true,
                Instant.ofEpochMilli(request.answeredAt()));
    }

    /** Deletes the requests older than {@link #KEEP}; the number deleted. */
    public int prune() {
        long before = clock.millis() - KEEP.toMillis();
        return database.inTransaction(tx -> LoginRequestStore.deleteCreatedBefore(tx, before));
    }

    /**
     * Ends the request for good unless its own options started the ceremony {@code ceremonyId}. The approval page
     * always answers with the options it fetched for its request, so another request's ceremony (or one no request
     * started) is an answer carried from elsewhere; ending the request also bounds the audit to one record.
     */
    private void requireOwnCeremony(Stored request, String ceremonyId, ClientInfo client) {
        Optional<String> startedBy = database.read(tx -> LoginRequestStore.requestOfCeremony(tx, ceremonyId));
        if (startedBy.filter(request.id()::equals).isPresent()) {
            return;
        }
        boolean denied = database.decide(tx -> {
            boolean ended = LoginRequestStore.deny(tx, request.id(), "ceremony_mismatch", null, null, clock.millis());
            if (ended) {
                audit.append(tx, AuditEvent.of("login:" + request.id(), "login.request.deny", client)
                        .subject("login:" + request.id()).reason("ceremony_mismatch")
                        .detail("ceremonyStartedBy", startedBy.map(id -> "login:" + id).orElse("none"))
                        .result("denied"));
            }
            return ended;
        });
        if (!denied) {
            throw alreadyAnswered();
        }
        throw GatehouseException.forbidden("ceremony_mismatch", "this passkey answer was not made for this login"
                + " request (its options were fetched for another one); the request is refused for good");
    }

    private Stored pending(String handle) {
        Stored request = database.read(tx -> LoginRequestStore.byHandle(tx, Ids.sha256(handle == null ? ""
                : handle))).orElseThrow(() -> GatehouseException.notFound("login_request_not_found", "this login"
                        + " request is unknown; ask the browser for a new QR code"));
        State state = current(request, clock.millis());
        if (state == State.EXPIRED) {
            throw GatehouseException.gone("login_request_expired", "this login request expired at "
                    + Instant.ofEpochMilli(request.expiresAt()) + "; ask the browser for a new QR code");
        }
        if (state != State.PENDING) {
            throw alreadyAnswered();
        }
        return request;
    }

    private static State current(Stored request, long now) {
        return request.state() == State.PENDING && now >= request.expiresAt() ? State.EXPIRED : request.state();
    }

    private static GatehouseException alreadyAnswered() {
        return GatehouseException.conflict("login_request_answered", "a phone already answered this login request");
    }

    /** The number and two other two-digit numbers, in random order. */
    private List<Integer> choices(int number) {
        List<Integer> choices = new ArrayList<>(List.of(number));
        while (choices.size() < CHOICES) {
            int other = 10 + random.nextInt(90);
            if (!choices.contains(other)) {
                choices.add(other);
            }
        }
        Collections.shuffle(choices, random);
        return List.copyOf(choices);
    }
}
