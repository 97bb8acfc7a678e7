package io.gatehouse.server.auth;

import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Forms;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.gatehouse.server.common.Utf8;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/tokens} for admins, and the bootstrap link's way to the first admin API token (for automation; in a
 * browser the link's page registers the first administrator's passkey instead, see the console).
 */
public final class TokenController {
    public static final String BOOTSTRAP_PATH = "/bootstrap/";

    private final ApiTokens tokens;
    private final Bootstrap bootstrap;
    private final Authenticator auth;
    private final int maxBody;

    public TokenController(ApiTokens tokens, Bootstrap bootstrap, Authenticator auth, int maxBody) {
        this.tokens = tokens;
        this.bootstrap = bootstrap;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/tokens", this::create)
                .get("/api/v1/tokens", this::list)
                .delete("/api/v1/tokens/{id}", this::revoke)
                .post(BOOTSTRAP_PATH + "{secret}", this::bootstrapRedeem);
    }

    /**
     * {@code POST /api/v1/tokens}; {@code expiresAt} (an RFC 3339 instant) or {@code expiresInDays}, not both, make
     * a token that expires.
     */
    record CreateRequest(String name, List<String> scopes, String expiresAt, Integer expiresInDays) {
        CreateRequest {
            Fields.required("name", name, "a string");
            // No default: a token that forgot its scopes must not come out as an admin token.
            Fields.required("scopes", scopes, "an array of at least one of " + Scope.codes());
            if (scopes.contains(null)) {
                throw GatehouseException.invalidField("scopes", "an array of strings", "an array containing null");
            }
            scopes = List.copyOf(scopes);
        }

        ApiTokens.Expiry expiry() {
            return new ApiTokens.Expiry(Optional.ofNullable(expiresAt).map(CreateRequest::instant),
                    Optional.ofNullable(expiresInDays));
        }

        /** RFC 3339 requires the offset ({@code Z} or {@code ±hh:mm}); a local time would be ambiguous. */
        private static Instant instant(String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw GatehouseException.invalid("invalid_field", "field 'expiresAt' must be an RFC 3339 date-time"
                        + " with an offset, such as 2027-01-31T18:00:00Z, got '" + Utf8.truncate(text, 40) + "'");
            }
        }
    }

    /** The bootstrap link's JSON body; every field is optional. */
    record BootstrapRequest(String name) {
    }

    /** A created token, with the only copy of its secret; {@code expiresAt} is null for a token that never does. */
    record CreatedView(String id, String name, List<String> scopes, String token, String expiresAt) {
        static CreatedView of(ApiTokens.Created created) {
            return new CreatedView(created.id(), created.name(), codes(created.scopes()), created.token(),
                    created.expiresAt().map(Instant::toString).orElse(null));
        }
    }

    /** A token as listed; {@code revokedAt} is null while it is not revoked, {@code expiresAt} if it never expires. */
    record TokenView(String id, String name, List<String> scopes, String createdBy, String createdAt,
            String revokedAt, String expiresAt) {
        static TokenView of(ListedToken token) {
            return new TokenView(token.id(), token.name(), codes(token.scopes()), token.createdBy(),
                    Instant.ofEpochMilli(token.createdAt()).toString(), time(token.revokedAt()),
                    time(token.expiresAt()));
        }

        private static String time(Long millis) {
            return millis == null ? null : Instant.ofEpochMilli(millis).toString();
        }
    }

    record TokenList(List<TokenView> tokens, String next) {
    }

    private void create(Context ctx) {
        Principal principal = auth.require(ctx, Permission.TOKENS_MANAGE);
        CreateRequest request = Bodies.read(ctx, maxBody, CreateRequest.class);
        ApiTokens.Created created = tokens.create(request.name(), Scope.parseAll(request.scopes()), request.expiry(),
                principal.actor(), Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(CreatedView.of(created));
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.TOKENS_MANAGE);
        Page.Slice<ListedToken> slice = tokens.list(Requests.page(ctx), status(ctx.queryParam("status")));
        ctx.json(new TokenList(slice.items().stream().map(TokenView::of).toList(), slice.next()));
    }

    private void revoke(Context ctx) {
        Principal principal = auth.require(ctx, Permission.TOKENS_MANAGE);
        tokens.revoke(ctx.pathParam("id"), principal, Requests.client(ctx));
        ctx.status(204);
    }

    private void bootstrapRedeem(Context ctx) {
        boolean form = Forms.isForm(ctx);
        String name;
        try {
            // A dead link is refused before its body is read; whether an administrator exists is decided (and a
            // refusal audited) by the redeeming transaction.
            bootstrap.checkLink(ctx.pathParam("secret"));
            if (form) {
                String field = Forms.field(ctx, maxBody, "name");
                name = field == null ? "admin" : field;
            } else {
                String given = Bodies.readOptional(ctx, maxBody, BootstrapRequest.class).name();
                name = given == null ? "admin" : given;
            }
            ApiTokens.Created created = bootstrap.redeem(ctx.pathParam("secret"), name, Requests.client(ctx));
            Html.noStore(ctx);
            if (form) {
                Html.render(ctx, 201, "Administrator created", "<p>Your admin API token (shown only now):</p>"
                        + "<p class=\"box mono\">" + Html.escape(created.token()) + "</p><p>Use it as <code>"
                        + "Authorization: Bearer &lt;token&gt;</code>.</p>");
            } else {
                ctx.status(201).json(CreatedView.of(created));
            }
        } catch (GatehouseException e) {
            if (!form) {
                throw e;
            }
            ProblemMapper.rethrowFaults(e);
            Html.render(ctx, ProblemMapper.status(e), ProblemMapper.title(e), "<p>" + Html.escape(e.detail()) + "</p>");
        }
    }

    private static Optional<TokenStore.Status> status(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text) {
            case "active" -> Optional.of(TokenStore.Status.ACTIVE);
            case "revoked" -> Optional.of(TokenStore.Status.REVOKED);
            case "expired" -> Optional.of(TokenStore.Status.EXPIRED);
            default -> throw GatehouseException.invalid("invalid_parameter", "query parameter 'status' must be"
                    + " 'active', 'revoked' or 'expired', got '" + Utf8.truncate(text, 40) + "'");
        };
    }

    private static List<String> codes(Collection<Scope> scopes) {
        return scopes.stream().map(Scope::code).sorted().toList();
    }
}
