package io.gatehouse.server.user;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.policy.MfaPolicy;
import io.gatehouse.server.policy.PolicyService;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** {@code /api/v1/users}: create, read, change roles, suspend and resume. */
public final class UserController {
    private final UserService users;
    private final PolicyService policies;
    private final Database database;
    private final Authenticator auth;
    private final int maxBody;

    public UserController(UserService users, PolicyService policies, Database database, Authenticator auth,
            int maxBody) {
        this.users = users;
        this.policies = policies;
        this.database = database;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/users", this::create)
                .get("/api/v1/users", this::list)
                .get("/api/v1/users/{id}", this::get)
                .put("/api/v1/users/{id}/roles", this::setRoles)
                .post("/api/v1/users/{id}/suspend", ctx -> setStatus(ctx, "suspended"))
                .post("/api/v1/users/{id}/resume", ctx -> setStatus(ctx, "active"));
    }

    private void create(Context ctx) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        JsonBody body = JsonBody.read(ctx, maxBody);
        String username = body.requiredString("username");
        List<String> roles = body.optionalStringList("roles").orElse(List.of());
        User user = users.create(username, roles, principal, Requests.client(ctx));
        ctx.status(201).json(database.read(tx -> view(tx, user)));
    }

    private void list(Context ctx) {
        auth.require(ctx, Scope.ADMIN);
        int limit = (int) QueryParams.wholeNumber(ctx, "limit", 100, 1, 1000);
        String after = ctx.queryParamAsClass("after", String.class).getOrDefault("");
        List<User> page = users.list(limit, after);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("users", database.read(tx -> page.stream().map(user -> view(tx, user)).toList()));
        result.put("next", page.size() == limit ? page.get(page.size() - 1).username() : null);
        ctx.json(result);
    }

    private void get(Context ctx) {
        auth.require(ctx, Scope.ADMIN);
        ctx.json(database.read(tx -> view(tx, users.require(tx, ctx.pathParam("id")))));
    }

    private void setRoles(Context ctx) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        List<String> roles = JsonBody.read(ctx, maxBody).optionalStringList("roles")
                .orElseThrow(() -> GatehouseException.invalidField("roles", "an array of strings", "nothing"));
        User user = users.setRoles(ctx.pathParam("id"), roles, principal, Requests.client(ctx));
        ctx.json(database.read(tx -> view(tx, user)));
    }

    private void setStatus(Context ctx, String status) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        User user = users.setStatus(ctx.pathParam("id"), status, principal, Requests.client(ctx));
        ctx.json(database.read(tx -> view(tx, user)));
    }

    /** The admin's view of a user, with the state of their second factor. */
    Map<String, Object> view(ReadTx tx, User user) {
        MfaPolicy policy = policies.effectiveFor(tx, user.id());
        boolean active = tx.queryLong("SELECT COUNT(*) FROM totp_credentials WHERE user_id = ? AND status = 'active'",
                user.id()) > 0;
        boolean pending = tx.queryLong("SELECT COUNT(*) FROM totp_enrollments WHERE user_id = ? AND status ="
                + " 'pending'", user.id()) > 0;
        long recovery = tx.queryLong("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND revoked_at IS NULL"
                + " AND used_at IS NULL", user.id());
        Map<String, Object> lock = tx.queryOne("SELECT failed_attempts, locked_until FROM users WHERE id = ?", rs -> {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("consecutiveFailures", rs.getInt(1));
            long until = rs.getLong(2);
            state.put("lockedUntil", rs.wasNull() ? null : Instant.ofEpochMilli(until).toString());
            return state;
        }, user.id()).orElse(Map.of());
        Map<String, Object> totp = new LinkedHashMap<>();
        totp.put("status", active ? "active" : "none");
        totp.put("pendingEnrollment", pending);
        totp.put("required", policy.totpRequired());
        totp.put("recoveryCodesRemaining", recovery);
        totp.putAll(lock);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", user.id());
        view.put("username", user.username());
        view.put("roles", new TreeSet<>(user.roles()));
        view.put("status", user.status());
        view.put("createdAt", Instant.ofEpochMilli(user.createdAt()).toString());
        view.put("totp", totp);
        return view;
    }
}
