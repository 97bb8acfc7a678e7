package io.gatehouse.server.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** {@code /api/v1/users}: create, list and read, change roles, suspend and resume, unlock, delete. */
public final class UserController {
    private final UserService users;
    private final People people;
    private final LockoutReset lockouts;
    private final Authenticator auth;
    private final int maxBody;

    public UserController(UserService users, People people, LockoutReset lockouts, Authenticator auth, int maxBody) {
        this.users = users;
        this.people = people;
        this.lockouts = lockouts;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    /** {@code POST /api/v1/users}; roles are optional. */
    record CreateRequest(String username, List<String> roles) {
        CreateRequest {
            Fields.required("username", username, "a string");
            roles = Fields.listOrEmpty(Roles.field(roles));
        }
    }

    /** {@code PUT /api/v1/users/{id}/roles}: the complete new set. */
    record RolesRequest(List<String> roles) {
        RolesRequest {
            roles = Fields.required("roles", Roles.field(roles), "an array of strings");
        }
    }

    /**
     * The admin's view of a user, with the state of their second factor; {@code devices} only in the answer about
     * one user ({@code GET /api/v1/users/{id}}), the first {@value People#DEVICES_SHOWN} by enrollment.
     */
    record UserView(String id, String username, List<String> roles, String status, String createdAt,
            TotpView totp, @JsonInclude(JsonInclude.Include.NON_NULL) List<DeviceView> devices) {
    }

    /** A device as a page about its person lists it; {@code lastUsedAt} is null when it was never used. */
    record DeviceView(String id, String kind, String trust, String status, String model, String createdAt,
            String lastUsedAt) {
        static DeviceView of(PersonDevices.Summary device) {
            return new DeviceView(device.id(), device.kind(), device.trust(), device.active() ? "active" : "revoked",
                    device.model(), device.createdAt().toString(),
                    device.lastUsedAt() == null ? null : device.lastUsedAt().toString());
        }
    }

    /** {@code lockedUntil} is null while the user is not locked out. */
    record TotpView(String status, boolean pendingEnrollment, boolean required, long recoveryCodesRemaining,
            int consecutiveFailures, String lockedUntil) {
    }

    /** {@code next} is the username to page on from, null on the last page. */
    record UserList(List<UserView> users, String next) {
    }

    public void register(Routes routes) {
        routes.post("/api/v1/users", this::create)
                .get("/api/v1/users", this::list)
                .get("/api/v1/users/{id}", this::get)
                .put("/api/v1/users/{id}/roles", this::setRoles)
                .post("/api/v1/users/{id}/suspend", ctx -> setStatus(ctx, "suspended"))
                .post("/api/v1/users/{id}/resume", ctx -> setStatus(ctx, "active"))
                .post("/api/v1/users/{id}/unlock", this::unlock)
                .delete("/api/v1/users/{id}", this::delete);
    }

    private void create(Context ctx) {
        Principal principal = auth.require(ctx, Permission.USERS_WRITE);
        CreateRequest request = Bodies.read(ctx, maxBody, CreateRequest.class);
        User user = users.create(request.username(), request.roles(), principal, Requests.client(ctx));
        ctx.status(201).json(view(people.of(user), false));
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.USERS_READ);
        int limit = (int) QueryParams.wholeNumber(ctx, "limit", 100, 1, 1000);
        String after = ctx.queryParamAsClass("after", String.class).getOrDefault("");
        UserFilter filter = UserFilter.of(ctx.queryParam("q"), ctx.queryParam("role"), ctx.queryParam("status"));
        People.Listing listing = people.list(limit, after, filter);
        ctx.json(new UserList(listing.people().stream().map(person -> view(person, false)).toList(),
                listing.next()));
    }

    private void get(Context ctx) {
        auth.require(ctx, Permission.USERS_READ);
        ctx.json(view(people.get(ctx.pathParam("id")), true));
    }

    private void setRoles(Context ctx) {
        Principal principal = auth.require(ctx, Permission.USERS_WRITE);
        RolesRequest request = Bodies.read(ctx, maxBody, RolesRequest.class);
        User user = users.setRoles(ctx.pathParam("id"), request.roles(), principal, Requests.client(ctx));
        ctx.json(view(people.of(user), false));
    }

    private void setStatus(Context ctx, String status) {
        Principal principal = auth.require(ctx, Permission.USERS_SUSPEND);
        User user = users.setStatus(ctx.pathParam("id"), status, principal, Requests.client(ctx));
        ctx.json(view(people.of(user), false));
    }

    private void unlock(Context ctx) {
        Principal principal = auth.require(ctx, Permission.UNLOCK);
        String userId = ctx.pathParam("id");
        lockouts.unlock(userId, principal, Requests.client(ctx));
        ctx.json(view(people.get(userId), false));
    }

    private void delete(Context ctx) {
        Principal principal = auth.require(ctx, Permission.USERS_DELETE);
        users.delete(ctx.pathParam("id"), principal, Requests.client(ctx));
        ctx.status(204);
    }

    private static UserView view(People.Person person, boolean withDevices) {
        User user = person.user();
        SecondFactors.State totp = person.secondFactor();
        People.Lockout lock = person.lockout();
        TotpView second = new TotpView(totp.active() ? "active" : "none", totp.pendingEnrollment(),
                totp.required(), totp.recoveryCodesRemaining(), lock.consecutiveFailures(),
                lock.lockedUntil() == null ? null : lock.lockedUntil().toString());
        return new UserView(user.id(), user.username(), user.roles().stream().sorted().toList(), user.status(),
                Instant.ofEpochMilli(user.createdAt()).toString(), second,
                withDevices ? person.devices().stream().map(DeviceView::of).toList() : null);
    }
}
