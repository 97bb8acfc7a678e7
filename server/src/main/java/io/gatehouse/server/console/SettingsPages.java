package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.policy.MfaPolicy;
import io.gatehouse.server.policy.PolicyChange;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.policy.RolePolicy;
import io.gatehouse.server.wallet.MintingKeys;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /console/settings}: the MFA policy of each role and the server's signing keys (API tokens are
 * {@link TokenPages}). Changing a policy or rotating a key asks for a fresh user verification.
 */
public final class SettingsPages {
    static final String PATH = "/console/settings";

    private final PolicyService policies;
    private final MintingKeys mintingKeys;
    private final ConsoleAccess access;
    private final int maxBody;

    public SettingsPages(PolicyService policies, MintingKeys mintingKeys, ConsoleAccess access, int maxBody) {
        this.policies = policies;
        this.mintingKeys = mintingKeys;
        this.access = access;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, ctx -> render(ctx, null, null))
                .page(HandlerType.POST, PATH + "/policies", this::putPolicy)
                .page(HandlerType.POST, PATH + "/policies/{role}/delete", this::deletePolicy)
                .page(HandlerType.POST, PATH + "/keys/minting/rotate", this::rotateMintingKey);
    }

    void render(Context ctx, String notice, String error) {
        ConsoleAccess.require(ctx, Permission.POLICIES_READ);
        Map<String, Object> params = new HashMap<>();
        params.put("defaultPolicy", MfaPolicy.DEFAULT);
        params.put("policies", allPolicies());
        params.put("algorithms", List.of("SHA1", "SHA256", "SHA512"));
        String editing = ctx.queryParam("role");
        params.put("editing", editing == null ? "" : editing);
        params.put("form", editing == null ? MfaPolicy.DEFAULT : policies.find(editing).orElse(MfaPolicy.DEFAULT));
        ConsolePages.render(ctx, 200, "settings", ConsolePages.chrome(ctx, "settings", "Settings", notice, error),
                params);
    }

    private List<RolePolicy> allPolicies() {
        List<RolePolicy> all = new java.util.ArrayList<>();
        Page page = Page.of(Page.MAX_LIMIT, null);
        while (true) {
            Page.Slice<RolePolicy> slice = policies.list(page);
            all.addAll(slice.items());
            if (slice.next() == null) {
                return all;
            }
            page = Page.of(Page.MAX_LIMIT, slice.next());
        }
    }

    private void putPolicy(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.POLICIES_WRITE);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        access.requireFresh(ctx, PATH);
        String role = form.required("role");
        Integer ttlMinutes = form.number("enrollmentLinkTtlMinutes");
        PolicyChange change = new PolicyChange(form.checked("totpRequired"), form.text("algorithm"),
                form.number("digits"), form.number("periodSeconds"), form.number("lookBehindSteps"),
                form.number("lookAheadSteps"), ttlMinutes == null ? null : ttlMinutes * 60,
                form.checked("consoleTotpSignIn"), form.all("signInMethods"),
                form.checked("phishingResistantSignIn"), form.checked("stepUpWhenFlagged"));
        policies.put(role, change, by, Requests.client(ctx));
        render(ctx, "The policy of role '" + role + "' is saved.", null);
    }

    private void deletePolicy(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.POLICIES_WRITE);
        access.requireFresh(ctx, PATH);
        String role = ctx.pathParam("role");
        policies.delete(role, by, Requests.client(ctx));
        render(ctx, "Role '" + role + "' has no policy of its own now; the default applies.", null);
    }

    private void rotateMintingKey(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.KEYS_ROTATE);
        access.requireFresh(ctx, PATH);
        render(ctx, mintingKeys.rotate(by.actor(), Requests.client(ctx)), null);
    }
}
