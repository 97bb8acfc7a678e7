package io.gatehouse.server.policy;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.user.Roles;
import io.javalin.http.Context;

/** {@code /api/v1/policies}: MFA policy per role. */
public final class PolicyController {
    private final PolicyService policies;
    private final Authenticator auth;
    private final int maxBody;

    public PolicyController(PolicyService policies, Authenticator auth, int maxBody) {
        this.policies = policies;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.get("/api/v1/policies", this::list)
                .get("/api/v1/policies/{role}", this::get)
                .put("/api/v1/policies/{role}", this::put)
                .delete("/api/v1/policies/{role}", this::delete);
    }

    private void list(Context ctx) {
        auth.require(ctx, Scope.ADMIN);
        ctx.json(policies.list(Requests.page(ctx)));
    }

    private void get(Context ctx) {
        auth.require(ctx, Scope.ADMIN);
        String role = Roles.validate(ctx.pathParam("role"));
        ctx.json(policies.find(role).orElseThrow(() -> GatehouseException.notFound("policy_not_found",
                "role '" + role + "' has no policy; the default applies")).toJson());
    }

    private void put(Context ctx) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        MfaPolicy policy = policies.put(ctx.pathParam("role"), JsonBody.read(ctx, maxBody), principal,
                Requests.client(ctx));
        ctx.json(policy.toJson());
    }

    private void delete(Context ctx) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        policies.delete(Roles.validate(ctx.pathParam("role")), principal, Requests.client(ctx));
        ctx.status(204);
    }
}
