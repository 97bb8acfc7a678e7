package io.gatehouse.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** The default policy and one page of role policies, keyed by role in role order. */
    record PolicyList(@JsonProperty("default") PolicyView defaultPolicy, Map<String, PolicyView> roles,
            String next) {
    }

    public void register(Routes routes) {
        routes.get("/api/v1/policies", this::list)
                .get("/api/v1/policies/{role}", this::get)
                .put("/api/v1/policies/{role}", this::put)
                .delete("/api/v1/policies/{role}", this::delete);
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.POLICIES_READ);
        Page.Slice<RolePolicy> slice = policies.list(Requests.page(ctx));
        Map<String, PolicyView> roles = new LinkedHashMap<>();
        slice.items().forEach(stored -> roles.put(stored.role(), PolicyView.of(stored.policy())));
        ctx.json(new PolicyList(PolicyView.of(MfaPolicy.DEFAULT), roles, slice.next()));
    }

    private void get(Context ctx) {
        auth.require(ctx, Permission.POLICIES_READ);
        String role = ctx.pathParam("role");
        MfaPolicy policy = policies.find(role).orElseThrow(() -> GatehouseException.notFound("policy_not_found",
                "role '" + role + "' has no policy; the default applies"));
        ctx.json(PolicyView.of(policy));
    }

    private void put(Context ctx) {
        Principal principal = auth.require(ctx, Permission.POLICIES_WRITE);
        MfaPolicy policy = policies.put(ctx.pathParam("role"), Bodies.read(ctx, maxBody, PolicyChange.class),
                principal, Requests.client(ctx));
        ctx.json(PolicyView.of(policy));
    }

    private void delete(Context ctx) {
        Principal principal = auth.require(ctx, Permission.POLICIES_WRITE);
        policies.delete(ctx.pathParam("role"), principal, Requests.client(ctx));
        ctx.status(204);
    }
}
