package io.gatehouse.server.visitor;

import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.DoorStore;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.mail.Delivery;
import io.gatehouse.server.mail.Outbox;
import io.gatehouse.server.user.UserService;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Visitor passes: invitations (the pass and its e-mail in one transaction), reading, revoking, resending and
 * erasing them. A pass's handle is shown once, in the e-mail (or, without a mail server, in the creation's answer);
 * the row keeps its SHA-256, and its sealed copy only while the invitation may be sent again.
 */
public final class VisitorPasses {
    private final Database database;
    private final AuditLog audit;
    private final Outbox outbox;
    private final SecretBox secrets;
    private final UserService users;
    private final GatehouseConfig.Visitors windows;
    private final Supplier<URI> base;
    private final Clock clock;
    private final SecureRandom random;

    /** Short codes for kiosks: a new one with each invitation sent (only its hash is kept, so resending needs one). */
    private final PassCodes codes;
    /** The pass's link is a managed code, so that it is listed, tracked and answered at {@code /q/} with the rest. */
    private final io.gatehouse.server.codes.ManagedCodes managedCodes;
    /** What other features keep of a pass, erased with it in its transaction ({@link #alsoErase}). */
    private final List<java.util.function.BiConsumer<Tx, String>> erasures =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public VisitorPasses(Database database, AuditLog audit, Outbox outbox, SecretBox secrets, UserService users,
            GatehouseConfig.Visitors windows, Supplier<URI> base, Clock clock, SecureRandom random,
            PassCodes codes, io.gatehouse.server.codes.ManagedCodes managedCodes) {
        this.database = database;
        this.managedCodes = managedCodes;
        this.codes = codes;
        this.audit = audit;
        this.outbox = outbox;
        this.secrets = secrets;
        this.users = users;
        this.windows = windows;
        this.base = base;
        this.clock = clock;
        this.random = random;
    }

    /** A pass and, when known, the delivery of its latest invitation. */
    public record Shown(Visitor visitor, Optional<Delivery> invitation, java.time.ZoneId siteZone, Instant now) {
    }

    /**
     * A pass just created. {@code passUrl} is the QR code's text, present only when no mail server is configured
     * (then the host hands the pass over); otherwise the e-mail is its only copy.
     */
    public record Created(Shown shown, Optional<String> passUrl) {
    }

    public Created create(VisitorRequest request, Principal by, ClientInfo client) {
        Instant now = clock.instant();
        VisitorRules.Checked checked = VisitorRules.check(request, windows, now);
        String id = Ids.newId(random, "vis");
        String handle = PassHandles.newHandle(random);
        return database.inTransaction(tx -> {
            List<String> places = places(tx, checked.doorIds(), checked.zoneIds(), true);
            Optional<String> hostName = checked.hostUserId().map(host -> users.require(tx, host).username());
            VisitorStore.insert(tx, new VisitorStore.NewVisitor(id, PassHandles.hash(handle), sealHandle(id, handle),
                    checked.name(), checked.email(), checked.note(), checked.hostUserId(), checked.from(),
                    checked.until(), checked.maxEntries(), checked.doorIds(), checked.zoneIds(), by.actor(), now));
            managedCodes.adopt(tx, io.gatehouse.server.codes.Purpose.VISITOR_PASS, id, handle,
                    Optional.of(checked.until()), by.actor());
            Visitor visitor = VisitorStore.byId(tx, id).orElseThrow();
            Optional<String> invitation = queueInvitation(tx, visitor, handle, places, hostName);
            audit.append(tx, AuditEvent.of(by.actor(), "visitor.create", client).subject("visitor:" + id)
                    .user(checked.hostUserId().orElse(null)).detail("doorIds", checked.doorIds())
                    .detail("zoneIds", checked.zoneIds()).detail("from", checked.from().toString())
                    .detail("until", checked.until().toString()).detail("maxEntries", checked.maxEntries())
                    .detail("invitation", invitation.orElse(null)).success());
            Visitor stored = VisitorStore.byId(tx, id).orElseThrow();
            return new Created(new Shown(stored, invitation.flatMap(mail -> outbox.delivery(tx, mail)),
                    windows.siteZone(), now), invitation.isPresent() ? Optional.empty()
                    : Optional.of(PassHandles.link(base.get(), handle)));
        });
    }

    /** The e-mail, queued in {@code tx}, when a mail server is configured; its outbox id. */
    private Optional<String> queueInvitation(Tx tx, Visitor visitor, String handle, List<String> places,
            Optional<String> hostName) {
        if (!outbox.enabled()) {
            return Optional.empty();
        }
        String messageId = outbox.enqueue(tx, Invitations.PURPOSE, visitor.id(), Invitations.of(visitor,
                PassHandles.link(base.get(), handle), passPage(handle), places, hostName, windows.siteZone(),
                codes.issue(tx, visitor.id())));
        VisitorStore.setInvitation(tx, visitor.id(), messageId);
        return Optional.of(messageId);
    }

    private String passPage(String handle) {
        return base.get().toString().replaceAll("/+$", "") + "/visit/" + handle;
    }

    public Shown get(String id) {
        return database.read(tx -> shown(tx, require(tx, id)));
    }

    public Page.Slice<Shown> list(Page page, Optional<PassState> state) {
        Instant now = clock.instant();
        return database.read(tx -> {
            Page.Slice<Visitor> slice = page.slice(VisitorStore.list(tx, page, state, now));
            List<Shown> shown = new ArrayList<>();
            for (Visitor visitor : slice.items()) {
                shown.add(shown(tx, visitor));
            }
            return new Page.Slice<>(shown, slice.next());
        });
    }

    /** Ends a pass at once: the next scan of it is denied. An invitation not sent yet is not sent. */
    public Shown revoke(String id, Principal by, ClientInfo client) {
        Instant now = clock.instant();
        return database.inTransaction(tx -> {
            Visitor visitor = require(tx, id);
            if (!VisitorStore.revoke(tx, id, now)) {
                throw GatehouseException.conflict("visitor_ended", "visitor '" + id + "' was "
                        + (visitor.erased() ? "erased" : "revoked") + " already");
            }
            outbox.erase(tx, Invitations.PURPOSE, id);
            audit.append(tx, AuditEvent.of(by.actor(), "visitor.revoke", client).subject("visitor:" + id)
                    .detail("entriesUsed", visitor.entriesUsed()).success());
            return shown(tx, require(tx, id));
        });
    }

    /**
     * Sends the same pass again (the e-mail was lost, or deleted): the handle is opened from its seal, so the pass
     * the visitor may already hold keeps working. To replace a pass that may have leaked, revoke it and invite again.
     */
    public Shown resend(String id, Principal by, ClientInfo client) {
        Instant now = clock.instant();
        if (!outbox.enabled()) {
            throw GatehouseException.conflict("mail_not_configured", "no SMTP server is configured (smtp.host), so"
                    + " no invitation can be sent");
        }
        return database.inTransaction(tx -> {
            Visitor visitor = require(tx, id);
            byte[] sealed = VisitorStore.sealedHandle(tx, id, now).orElseThrow(() -> GatehouseException.conflict(
                    "visitor_ended", "visitor '" + id + "' is " + visitor.state(now).code() + (visitor.erased()
                    ? " and erased" : "") + "; only a pass whose window has not ended can be sent again"));
            String handle = new String(secrets.open(sealed, handleContext(id)), StandardCharsets.UTF_8);
            Optional<String> hostName = visitor.hostUserId().flatMap(host -> users.find(tx, host))
                    .map(io.gatehouse.server.user.User::username);
            Optional<String> invitation = queueInvitation(tx, visitor, handle, places(tx, visitor.doorIds(),
                    visitor.zoneIds(), false), hostName);
            audit.append(tx, AuditEvent.of(by.actor(), "visitor.resend", client).subject("visitor:" + id)
                    .detail("invitation", invitation.orElseThrow()).success());
            return shown(tx, require(tx, id));
        });
    }

    /** Erases a visitor's personal data now (name, e-mail, note, the pass's sealed handle, the e-mails' content). */
    public void erase(String id, Principal by, ClientInfo client) {
        Instant now = clock.instant();
        database.inTransaction(tx -> {
            require(tx, id);
            if (!eraseIn(tx, id, now)) {
                throw GatehouseException.gone("visitor_erased", "visitor '" + id + "' was erased already");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "visitor.erase", client).subject("visitor:" + id)
                    .detail("cause", "request").success());
            return null;
        });
    }

    /**
     * Has {@code step} erase what another feature keeps of a pass (its phone's passkeys, links, codes), in the
     * transaction that erases the visitor, by request or by retention.
     *
     * @param step given the transaction and the visitor's id
     */
    public void alsoErase(java.util.function.BiConsumer<Tx, String> step) {
        erasures.add(step);
    }

    private boolean eraseIn(Tx tx, String id, Instant now) {
        if (!VisitorStore.erase(tx, id, now)) {
            return false;
        }
        outbox.erase(tx, Invitations.PURPOSE, id);
        erasures.forEach(step -> step.accept(tx, id));
        return true;
    }

    /**
     * The retention job: erases the visitors whose window ended more than the retention period ago, and wipes the
     * sealed handles of passes whose window has ended. Returns the visitors erased.
     */
    public int eraseExpired() {
        Instant now = clock.instant();
        database.inTransaction(tx -> VisitorStore.wipeEndedHandles(tx, now));
        Instant endedBefore = now.minus(windows.retention());
        int erased = 0;
        List<String> due;
        do {
            due = database.read(tx -> VisitorStore.dueForErasure(tx, endedBefore, 100));
            for (String id : due) {
                boolean done = database.inTransaction(tx -> {
                    if (!eraseIn(tx, id, now)) {
                        return false;
                    }
                    audit.append(tx, AuditEvent.of("system", "visitor.erase", null).subject("visitor:" + id)
                            .detail("cause", "retention").detail("retentionDays", windows.retention().toDays())
                            .success());
                    return true;
                });
                erased += done ? 1 : 0;
            }
        } while (due.size() == 100);
        return erased;
    }

    /** What the pass's own page shows: no personal data, only the window, the doors and the state. */
    public record PassPage(String state, String stateText, String from, String until, String fromIso,
            String untilIso, String timeZone, int entriesUsed, int maxEntries, List<String> places) {
    }

    /** The page of the pass whose handle is {@code handle}; 404 for no such (or an erased) pass. */
    public PassPage page(String handle) {
        GatehouseException unknown = GatehouseException.notFound("pass_not_found", "no visitor pass at this link");
        if (!PassHandles.wellFormed(handle)) {
            throw unknown;
        }
        Instant now = clock.instant();
        return database.read(tx -> {
            Visitor visitor = VisitorStore.byHandleHash(tx, PassHandles.hash(handle)).filter(v -> !v.erased())
                    .orElseThrow(() -> unknown);
            PassState state = visitor.state(now);
            java.time.ZoneId zone = windows.siteZone();
            return new PassPage(state.code(), stateText(state), Invitations.when(visitor.from(), zone),
                    Invitations.when(visitor.until(), zone), visitor.from().atZone(zone).toOffsetDateTime()
                    .toString(), visitor.until().atZone(zone).toOffsetDateTime().toString(), zone.getId(),
                    visitor.entriesUsed(), visitor.maxEntries(), places(tx, visitor.doorIds(), visitor.zoneIds(), false));
        });
    }

    private static String stateText(PassState state) {
        return switch (state) {
            case UPCOMING -> "This pass is not valid yet.";
            case ACTIVE -> "This pass is valid now.";
            case USED_UP -> "This pass has no entries left.";
            case EXPIRED -> "This pass has expired.";
            case REVOKED -> "This pass was revoked.";
        };
    }

    private Shown shown(ReadTx tx, Visitor visitor) {
        return new Shown(visitor, visitor.invitationId().flatMap(id -> outbox.delivery(tx, id)), windows.siteZone(),
                clock.instant());
    }

    private static Visitor require(ReadTx tx, String id) {
        return VisitorStore.byId(tx, id).orElseThrow(() -> GatehouseException.notFound("visitor_not_found",
                "no visitor with id '" + id + "'"));
    }

    /**
     * The names of the invited doors and zones. {@code requested}: the ids were just posted, and each must exist
     * (404 {@code door_not_found}, {@code zone_not_found}, as other references to them are refused); a stored pass
     * skips a door or zone deleted since.
     */
    private static List<String> places(ReadTx tx, List<String> doorIds, List<String> zoneIds, boolean requested) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String doorId : doorIds) {
            Optional<Door> door = DoorStore.door(tx, doorId);
            if (door.isEmpty() && requested) {
                throw GatehouseException.notFound("door_not_found", "no door with id '" + doorId + "'");
            }
            door.ifPresent(found -> names.add(found.name()));
        }
        for (String zoneId : zoneIds) {
            Optional<DoorStore.Zone> zone = DoorStore.zone(tx, zoneId);
            if (zone.isEmpty() && requested) {
                throw GatehouseException.notFound("zone_not_found", "no zone with id '" + zoneId + "'");
            }
            zone.ifPresent(found -> names.add(found.name() + " (every door)"));
        }
        return List.copyOf(names);
    }

    private byte[] sealHandle(String id, String handle) {
        return secrets.seal(handle.getBytes(StandardCharsets.UTF_8), handleContext(id));
    }

    private static String handleContext(String id) {
        return "visitor-handle:" + id;
    }
}
