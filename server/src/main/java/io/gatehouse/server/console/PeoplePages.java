package io.gatehouse.server.console;

import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.http.Forms;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.totp.TotpEnrollments;
import io.gatehouse.server.user.LockoutReset;
import io.gatehouse.server.user.People;
import io.gatehouse.server.user.PersonDevices;
import io.gatehouse.server.user.SecondFactors;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserFilter;
import io.gatehouse.server.user.UserService;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's People section: the list with search, filters and paging, creating a person, and a person's page
 * with every action on them. Each action calls the service the API's controller calls, with the signed-in person as
 * the principal, so permissions, checks and audit records are the API's. Changes answer with a redirect to the page
 * that shows their effect (post, redirect, get), except those whose result is shown once (an enrollment link,
 * recovery codes), which render the page with it.
 */
public final class PeoplePages {
    private static final int PAGE_SIZE = 50;
    /** The notices a redirect may name: fixed texts, so that no request can make the page say anything else. */
    private static final Map<String, String> NOTICES = Map.ofEntries(
            Map.entry("created", "The person was created."), Map.entry("roles", "The roles were saved."),
            Map.entry("suspended", "The person is suspended: every scan and code check of theirs is refused."),
            Map.entry("resumed", "The person is active again."),
            Map.entry("unlocked", "The lockout was ended."), Map.entry("device_revoked", "The device was revoked."),
            Map.entry("devices_revoked", "Every device of the person was revoked."),
            Map.entry("deleted", "The person was deleted and their personal data erased."));

    private final UserService users;
    private final People people;
    private final LockoutReset lockouts;
    private final TotpEnrollments enrollments;
    private final Devices devices;
    private final ConsoleAccess access;
    private final Links links;
    private final int maxBody;

    public PeoplePages(UserService users, People people, LockoutReset lockouts, TotpEnrollments enrollments,
            Devices devices, ConsoleAccess access, Links links, int maxBody) {
        this.users = users;
        this.people = people;
        this.lockouts = lockouts;
        this.enrollments = enrollments;
        this.devices = devices;
        this.access = access;
        this.links = links;
        this.maxBody = maxBody;
    }

    /** A person as a row of the list. */
    public record Row(String id, String username, String roles, String status, String totp, long recoveryCodes,
            String lockedUntil) {
        static Row of(People.Person person) {
            User user = person.user();
            SecondFactors.State totp = person.secondFactor();
            return new Row(user.id(), user.username(), roleList(user), user.status(),
                    totp.active() ? "active" : totp.pendingEnrollment() ? "pending" : "none",
                    totp.recoveryCodesRemaining(), time(person.lockout().lockedUntil()));
        }
    }

    /** A person's page: who they are, their second factor and lockout, their devices. */
    public record Detail(String id, String username, String roles, String status, String createdAt, String totp,
            boolean totpRequired, long recoveryCodes, int failures, String lockedUntil, List<DeviceRow> devices,
            boolean anyActiveDevice) {
        static Detail of(People.Person person) {
            User user = person.user();
            SecondFactors.State totp = person.secondFactor();
            List<DeviceRow> rows = person.devices().stream().map(DeviceRow::of).toList();
            return new Detail(user.id(), user.username(), roleList(user), user.status(),
                    Instant.ofEpochMilli(user.createdAt()).toString(),
                    totp.active() ? "active" : totp.pendingEnrollment() ? "pending" : "none", totp.required(),
                    totp.recoveryCodesRemaining(), person.lockout().consecutiveFailures(),
                    time(person.lockout().lockedUntil()), rows, rows.stream().anyMatch(DeviceRow::active));
        }
    }

    /** One device on a person's page; {@code lastUsedAt} is null when never used. */
    public record DeviceRow(String id, String kind, String trust, String model, boolean active, String createdAt,
            String lastUsedAt) {
        static DeviceRow of(PersonDevices.Summary device) {
            return new DeviceRow(device.id(), device.kind().equals("passkey") ? "Passkey" : "Device key",
                    device.trust(), device.model(), device.active(), device.createdAt().toString(),
                    time(device.lastUsedAt()));
        }
    }

    /** What the page shows once after an action: a new enrollment link, or new recovery codes. */
    public record Once(String linkUrl, String qrPath, String expiresAt, List<String> recoveryCodes) {
    }

    /** The list's filters as given, to fill the form in again and to carry into the next page's link. */
    public record Filters(String q, String role, String status) {
        String query() {
            StringBuilder query = new StringBuilder();
            append(query, "q", q);
            append(query, "role", role);
            append(query, "status", status);
            return query.toString();
        }

        private static void append(StringBuilder query, String name, String value) {
            if (value != null) {
                query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, "/console/people", this::list)
                .page(HandlerType.POST, "/console/people", this::create)
                .page(HandlerType.GET, "/console/people/{id}", this::person)
                .page(HandlerType.POST, "/console/people/{id}/roles", this::setRoles)
                .page(HandlerType.POST, "/console/people/{id}/suspend", ctx -> setStatus(ctx, "suspended"))
                .page(HandlerType.POST, "/console/people/{id}/resume", ctx -> setStatus(ctx, "active"))
                .page(HandlerType.POST, "/console/people/{id}/unlock", this::unlock)
                .page(HandlerType.POST, "/console/people/{id}/totp-link", this::totpLink)
                .page(HandlerType.GET, "/console/people/{id}/totp-link/{token}/qr.png", this::totpLinkQr)
                .page(HandlerType.POST, "/console/people/{id}/recovery-codes", this::recoveryCodes)
                .page(HandlerType.POST, "/console/people/{id}/devices/{device}/revoke", this::revokeDevice)
                .page(HandlerType.POST, "/console/people/{id}/devices/revoke", this::revokeAllDevices)
                .page(HandlerType.POST, "/console/people/{id}/delete", this::delete);
    }

    private void list(Context ctx) {
        ConsoleAccess.require(ctx, Permission.USERS_READ);
        Filters given = new Filters(blankToNull(ctx.queryParam("q")), blankToNull(ctx.queryParam("role")),
                blankToNull(ctx.queryParam("status")));
        UserFilter filter = UserFilter.of(given.q(), given.role(), given.status());
        String after = ctx.queryParam("after") == null ? "" : ctx.queryParam("after");
        People.Listing listing = people.list(PAGE_SIZE, after, filter);
        Map<String, Object> params = new HashMap<>();
        params.put("rows", listing.people().stream().map(Row::of).toList());
        params.put("filters", given);
        params.put("next", listing.next() == null ? null : "/console/people?after="
                + URLEncoder.encode(listing.next(), StandardCharsets.UTF_8) + given.query());
        ConsolePages.render(ctx, 200, "people/list", ConsolePages.chrome(ctx, "people", "People",
                notice(ctx), null), params);
    }

    private void create(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.USERS_WRITE);
        Map<String, List<String>> form = Forms.all(ctx, maxBody);
        User user = users.create(field(form, "username"), roleNames(field(form, "roles")), by, Requests.client(ctx));
        done(ctx, user.id(), "created");
    }

    private void person(Context ctx) {
        ConsoleAccess.require(ctx, Permission.USERS_READ);
        render(ctx, ctx.pathParam("id"), notice(ctx), null);
    }

    private void setRoles(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.USERS_WRITE);
        Map<String, List<String>> form = Forms.all(ctx, maxBody);
        users.setRoles(ctx.pathParam("id"), roleNames(field(form, "roles")), by, Requests.client(ctx));
        done(ctx, ctx.pathParam("id"), "roles");
    }

    private void setStatus(Context ctx, String status) {
        Principal by = ConsoleAccess.require(ctx, Permission.USERS_SUSPEND);
        users.setStatus(ctx.pathParam("id"), status, by, Requests.client(ctx));
        done(ctx, ctx.pathParam("id"), "active".equals(status) ? "resumed" : "suspended");
    }

    private void unlock(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.UNLOCK);
        lockouts.unlock(ctx.pathParam("id"), by, Requests.client(ctx));
        done(ctx, ctx.pathParam("id"), "unlocked");
    }

    /** The link is shown once, with a QR code the person scans off the screen to open it on their phone. */
    private void totpLink(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ENROLL);
        String userId = ctx.pathParam("id");
        TotpEnrollments.Created created = enrollments.create(userId, by, Requests.client(ctx));
        render(ctx, userId, "A TOTP enrollment link was created. It works once.", new Once(
                links.to(TotpEnrollments.PATH + created.token()), "/console/people/" + userId + "/totp-link/"
                        + created.token() + "/qr.png", created.expiresAt().toString(), null));
    }

    /** The QR code of a live link: of its address, never of the secret, which only the person's phone shows. */
    private void totpLinkQr(Context ctx) {
        ConsoleAccess.require(ctx, Permission.ENROLL);
        String token = ctx.pathParam("token");
        enrollments.checkLive(token);
        Html.noStore(ctx);
        ctx.contentType("image/png").result(QrCode.encode(links.to(TotpEnrollments.PATH + token),
                ErrorCorrection.M).toPng(8, 4));
    }

    private void recoveryCodes(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.RECOVERY_REGENERATE);
        String userId = ctx.pathParam("id");
        List<String> codes = enrollments.regenerateRecoveryCodes(userId, by, Requests.client(ctx));
        render(ctx, userId, "New recovery codes were made; the old ones no longer work.", new Once(null, null, null,
                codes));
    }

    private void revokeDevice(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.CREDENTIALS_REVOKE);
        String userId = ctx.pathParam("id");
        String deviceId = ctx.pathParam("device");
        // Only a device of the person whose page this is: a form cannot be turned against someone else's device.
        boolean theirs = people.get(userId).devices().stream().anyMatch(device -> device.id().equals(deviceId));
        if (!theirs) {
            throw GatehouseException.notFound("device_not_found", "the person has no device with id '" + deviceId
                    + "'");
        }
        devices.revoke(deviceId, by, Requests.client(ctx));
        done(ctx, userId, "device_revoked");
    }

    private void revokeAllDevices(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.CREDENTIALS_REVOKE);
        String userId = ctx.pathParam("id");
        access.requireFresh(ctx, "/console/people/" + userId);
        devices.revokeAll(userId, by, Requests.client(ctx));
        done(ctx, userId, "devices_revoked");
    }

    private void delete(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.USERS_DELETE);
        String userId = ctx.pathParam("id");
        access.requireFresh(ctx, "/console/people/" + userId);
        if (!"yes".equals(field(Forms.all(ctx, maxBody), "confirm"))) {
            throw GatehouseException.invalid("confirmation_missing", "tick the box that confirms the deletion; it"
                    + " cannot be undone");
        }
        users.delete(userId, by, Requests.client(ctx));
        ConsoleAccess.redirect(ctx, "/console/people?done=deleted");
    }

    private void render(Context ctx, String userId, String notice, Once once) {
        Detail person = Detail.of(people.get(userId));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("person", person);
        params.put("once", once);
        ConsolePages.render(ctx, 200, "people/person", ConsolePages.chrome(ctx, "people", person.username(), notice,
                null), params);
    }

    /** The notice a redirect named; none for an unknown name. */
    private static String notice(Context ctx) {
        String done = ctx.queryParam("done");
        return done == null ? null : NOTICES.get(done);
    }

    private static void done(Context ctx, String userId, String notice) {
        ConsoleAccess.redirect(ctx, "/console/people/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)
                + "?done=" + notice);
    }

    private static String field(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Role names as typed: separated by spaces or commas; each is checked by the service. */
    private static List<String> roleNames(String text) {
        return text == null ? List.of() : Arrays.stream(text.split("[,\\s]+")).filter(role -> !role.isEmpty())
                .toList();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static String roleList(User user) {
        return String.join(", ", user.roles().stream().sorted().toList());
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
