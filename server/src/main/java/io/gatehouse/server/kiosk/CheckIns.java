package io.gatehouse.server.kiosk;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.qr.QrDecoder;
import io.gatehouse.qr.QrException;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.visitor.PassState;
import io.gatehouse.server.visitor.Visitor;
import io.gatehouse.server.visitor.VisitorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checking visitors in at a kiosk: by the pass's QR code in a camera frame, or by its short code typed. A check-in
 * is audited ({@code visitor.check_in}, actor {@code kiosk:<id>}, subject {@code visitor:<id>}, nothing personal),
 * tells the host, and hands out a one-time link that binds the pass to the visitor's phone.
 */
public final class CheckIns {
    /** Wrong short codes in a row after which a kiosk's code entry is locked, and for how long. */
    static final int MAX_WRONG_CODES = 5;
    static final Duration CODE_LOCK = Duration.ofMinutes(1);
    /** A camera frame a kiosk may post: a 1280x720 JPEG fits many times over. */
    public static final int MAX_FRAME_BYTES = 512 * 1024;
    static final Duration BIND_LINK_LIFETIME = Duration.ofMinutes(10);
    private static final Pattern PASS = Pattern.compile("/q/([A-Za-z0-9_-]{27})");

    private final Database database;
    private final AuditLog audit;
    private final HostNotices hosts;
    private final Supplier<String> base;
    private final Clock clock;
    private final SecureRandom random;

    public CheckIns(Database database, AuditLog audit, HostNotices hosts, Supplier<String> base, Clock clock,
            SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.hosts = hosts;
        this.base = base;
        this.clock = clock;
        this.random = random;
    }

    /**
     * A visitor checked in.
     *
     * @param firstTime false when the pass had checked in before (the host was told then)
     * @param bindPath the one-time link that binds the pass to a phone
     */
    public record Welcome(String visitorId, Instant from, Instant until, boolean firstTime, String bindPath) {
    }

    /**
     * Checks in the pass whose QR code a camera frame shows; empty while the frame shows no readable QR code (the
     * kiosk sends the next frame). 1 the frame is at most {@link #MAX_FRAME_BYTES} and an image, 2 it holds a QR
     * code, 3 whose text is a pass link of this server, then as {@link #checkIn}.
     */
    public Optional<Welcome> checkInByFrame(Kiosk kiosk, byte[] frame, ClientInfo client) {
        if (frame.length > MAX_FRAME_BYTES) {
            throw GatehouseException.invalid("frame_too_large", "a camera frame may have at most " + MAX_FRAME_BYTES
                    + " bytes, got " + frame.length);
        }
        String text;
        try {
            text = QrDecoder.decode(frame);
        } catch (QrException noCode) {
            return Optional.empty();
        }
        String prefix = base.get() + "/q/";
        Matcher pass = PASS.matcher(text.startsWith(base.get()) ? text.substring(base.get().length()) : "");
        if (!text.startsWith(prefix) || !pass.matches()) {
            throw GatehouseException.unprocessable("not_a_pass", "this QR code is not a visitor pass of this site");
        }
        byte[] handleHash = Ids.sha256(pass.group(1));
        return Optional.of(checkIn(kiosk, tx -> VisitorStore.byHandleHash(tx, handleHash), "qr", client));
    }

    /**
     * Checks in the pass whose short code was typed: 1 the kiosk's code entry is not locked, 2 the code names a
     * pass (a wrong one counts; the {@value #MAX_WRONG_CODES}th in a row locks the kiosk's code entry for
     * {@link #CODE_LOCK}, audited), then as {@link #checkIn}.
     */
    public Welcome checkInByCode(Kiosk kiosk, String typed, ClientInfo client) {
        Instant now = clock.instant();
        Optional<String> code = ShortCodes.normalise(typed);
        Optional<String> visitorId = database.inTransaction(tx -> {
            Kiosk current = KioskStore.byId(tx, kiosk.id()).orElseThrow();
            if (current.codesLocked(now)) {
                return Optional.<String>empty();
            }
            Optional<String> found = code.flatMap(c -> PassKioskStore.visitorOfShortCode(tx, ShortCodes.hash(c)));
            if (found.isPresent()) {
                KioskStore.codeAccepted(tx, kiosk.id());
                return found;
            }
            Kiosk after = KioskStore.codeFailed(tx, kiosk.id(), MAX_WRONG_CODES, now.plus(CODE_LOCK));
            boolean locked = after.codesLocked(now);
            audit.append(tx, AuditEvent.of(kiosk.actor(), "kiosk.short_code", client).subject("kiosk:" + kiosk.id())
                    .reason(locked ? "kiosk_locked" : "unknown_short_code")
                    .detail("wrongInARow", locked ? MAX_WRONG_CODES : after.failedCodes()).result("denied"));
            return Optional.<String>empty();
        });
        Kiosk current = database.read(tx -> KioskStore.byId(tx, kiosk.id())).orElseThrow();
        if (current.codesLocked(now)) {
            long seconds = Math.max(1, Duration.between(now, current.lockedUntil().orElseThrow()).toSeconds());
            throw GatehouseException.tooMany("kiosk_locked", "too many wrong codes; this kiosk takes codes again in "
                    + seconds + " seconds (you can show the QR code instead)", seconds);
        }
        if (visitorId.isEmpty()) {
            throw GatehouseException.notFound("unknown_short_code", "no pass has this code; check it and try again");
        }
        return checkIn(kiosk, tx -> VisitorStore.byId(tx, visitorId.get()), "short_code", client);
    }

    @FunctionalInterface
    private interface Lookup {
        Optional<Visitor> find(Tx tx);
    }

    /**
     * Checks a pass in: 1 it is known, 2 active now (not revoked, expired, used up; an upcoming pass is told when its
     * window opens); the first check-in is recorded, audited and the host told; every check-in gets a new bind link.
     */
    private Welcome checkIn(Kiosk kiosk, Lookup lookup, String method, ClientInfo client) {
        Instant now = clock.instant();
        String bindToken = Base64Url.encode(randomBytes());
        return database.inTransaction(tx -> {
            Visitor visitor = lookup.find(tx).orElseThrow(() -> GatehouseException.notFound("unknown_pass",
                    "this pass is not known here"));
            PassState state = visitor.state(now);
            switch (state) {
                case ACTIVE -> {
                }
                case UPCOMING -> throw GatehouseException.forbidden("pass_upcoming", "your visit starts at "
                        + visitor.from() + "; please check in then");
                case EXPIRED -> throw GatehouseException.gone("pass_expired", "this pass has expired");
                case USED_UP -> throw GatehouseException.gone("pass_used_up", "this pass has no entries left");
                case REVOKED -> throw GatehouseException.gone("pass_revoked", "this pass was revoked");
            }
            boolean first = PassKioskStore.checkIn(tx, visitor.id(), kiosk.id(), now);
            if (first) {
                Optional<String> notice = hosts.checkedIn(tx, visitor, kiosk, now);
                audit.append(tx, AuditEvent.of(kiosk.actor(), "visitor.check_in", client)
                        .subject("visitor:" + visitor.id()).detail("kiosk", kiosk.id()).detail("method", method)
                        .detail("hostNotice", notice.orElse(null)).detail("hostTold", notice.isPresent())
                        .success());
            }
            PassKioskStore.insertBindLink(tx, Ids.sha256(bindToken), visitor.id(), now.plus(BIND_LINK_LIFETIME));
            return new Welcome(visitor.id(), visitor.from(), visitor.until(), first, PassBinding.BIND_PATH + bindToken);
        });
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }
}
