package io.gatehouse.server.console;

import io.gatehouse.server.auth.ApiTokens;
import io.gatehouse.server.auth.ListedToken;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /console/settings/tokens}: API tokens with their scopes and expiry, for administrators. A new token is shown
 * once, on the page that created it; creating one asks for a fresh user verification.
 */
public final class TokenPages {
    static final String PATH = SettingsPages.PATH + "/tokens";
    /** What the form proposes: a token that lives forever is a choice, not a default. */
    static final int DEFAULT_DAYS = 90;

    private final ApiTokens tokens;
    private final ConsoleAccess access;
    private final Clock clock;
    private final int maxBody;

    public TokenPages(ApiTokens tokens, ConsoleAccess access, Clock clock, int maxBody) {
        this.tokens = tokens;
        this.access = access;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    /** A token as the list shows it, with its state now. */
    public record Row(ListedToken token, String state) {
        public List<String> scopeCodes() {
            return token.scopes().stream().map(Scope::code).sorted().toList();
        }
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, ctx -> render(ctx, null, null))
                .page(HandlerType.POST, PATH, this::create)
                .page(HandlerType.POST, PATH + "/{id}/revoke", this::revoke);
    }

    private void render(Context ctx, String notice, ApiTokens.Created created) {
        ConsoleAccess.require(ctx, Permission.TOKENS_MANAGE);
        Page.Slice<ListedToken> slice = tokens.list(io.gatehouse.server.http.Requests.page(ctx));
        long now = clock.millis();
        Map<String, Object> params = new HashMap<>();
        params.put("rows", slice.items().stream().map(token -> new Row(token, token.revokedAt() != null ? "revoked"
                : token.expiresAt() != null && token.expiresAt() <= now ? "expired" : "active")).toList());
        params.put("next", slice.next());
        params.put("scopes", Arrays.stream(Scope.values()).map(Scope::code).toList());
        params.put("defaultDays", DEFAULT_DAYS);
        params.put("maxDays", ApiTokens.MAX_LIFETIME_DAYS);
        params.put("created", Optional.ofNullable(created));
        ConsolePages.render(ctx, 200, "tokens", ConsolePages.chrome(ctx, "settings", "API tokens", notice, null),
                params);
    }

    private void create(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.TOKENS_MANAGE);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        access.requireFresh(ctx, PATH);
        List<String> scopes = form.all("scopes");
        if (scopes.isEmpty()) {
            throw GatehouseException.invalidField("scopes", "at least one of " + Scope.codes(), "none");
        }
        Integer days = form.number("expiresInDays");
        ApiTokens.Created created = tokens.create(form.required("name"), Scope.parseAll(scopes),
                new ApiTokens.Expiry(Optional.empty(), Optional.ofNullable(days)), by.actor(), Requests.client(ctx));
        render(ctx, "The token '" + created.name() + "' is created. Copy it now: it is shown only once.", created);
    }

    private void revoke(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.TOKENS_MANAGE);
        tokens.revoke(ctx.pathParam("id"), by, Requests.client(ctx));
        render(ctx, "The token is revoked; it stops working at once.", null);
    }
}
