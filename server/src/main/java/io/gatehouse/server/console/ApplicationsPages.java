package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.oidc.Endpoints;
import io.gatehouse.server.oidc.OidcClient;
import io.gatehouse.server.oidc.OidcClients;
import io.gatehouse.server.policy.SignInMethod;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /console/applications}: the applications that sign people in through the OpenID Connect provider, for
 * administrators. Registering one hands out a client secret, a credential, and deleting one stops every sign-in
 * to it, so both ask for a fresh user verification; the secret is shown once, on the page that registered it.
 */
public final class ApplicationsPages {
    static final String PATH = "/console/applications";
    /** The notices a redirect may name: fixed texts, so that no request can make the page say anything else. */
    private static final Map<String, String> NOTICES = Map.of("deleted",
            "The application was deleted: it can no longer sign anyone in.");

    private final OidcClients clients;
    private final ConsoleAccess access;
    private final Endpoints endpoints;
    private final int maxBody;

    public ApplicationsPages(OidcClients clients, ConsoleAccess access, Links links, int maxBody) {
        this.clients = clients;
        this.access = access;
        this.endpoints = new Endpoints(links::base);
        this.maxBody = maxBody;
    }

    /** A registered application as the list shows it; never its secret (only its hash is kept anyway). */
    public record Row(String clientId, String name, String kind, String authMethod, List<String> redirectUris,
            List<String> postLogoutRedirectUris, boolean refreshTokens, List<String> signInMethods,
            boolean phishingResistant, String createdBy, String createdAt) {
        static Row of(OidcClient client) {
            return new Row(client.clientId(), client.name(), client.publicClient() ? "public" : "confidential",
                    client.authMethod().code(), texts(client.redirectUris()), texts(client.postLogoutRedirectUris()),
                    client.refreshTokens(), SignInMethod.codes(client.signInMethods()), client.phishingResistant(),
                    client.createdBy(), client.createdAt().toString());
        }

        private static List<String> texts(List<URI> uris) {
            return uris.stream().map(URI::toString).toList();
        }
    }

    /** What the registration form shows: empty at first, what was typed after a refusal. */
    public record Draft(String name, String redirectUris, String postLogoutRedirectUris, boolean publicClient,
            boolean refreshTokens, Set<String> signInMethods, boolean phishingResistant) {
        static final Draft EMPTY = new Draft("", "", "", false, false, Set.copyOf(SignInMethod.codes(
                SignInMethod.ALL)), false);

        static Draft of(ConsoleForm form) {
            return new Draft(orEmpty(form.text("name")), orEmpty(form.text("redirectUris")),
                    orEmpty(form.text("postLogoutRedirectUris")), form.checked("public"),
                    form.checked("refreshTokens"), Set.copyOf(form.all("signInMethods")),
                    form.checked("phishingResistant"));
        }

        /** The service checks every field; the form only splits the lists into their lines. */
        OidcClients.Registration registration() {
            return new OidcClients.Registration(name, lines(redirectUris), publicClient,
                    lines(postLogoutRedirectUris), refreshTokens, null,
                    SignInMethod.parseAll("signInMethods", signInMethods), phishingResistant);
        }

        public boolean offers(String method) {
            return signInMethods.contains(method);
        }

        private static List<String> lines(String text) {
            return Arrays.stream(text.split("\\R")).map(String::strip).filter(line -> !line.isEmpty()).toList();
        }

        private static String orEmpty(String text) {
            return text == null ? "" : text;
        }
    }

    /** What a registration gives its registrant once: where the provider is, and the secret when there is one. */
    public record Created(String name, String clientId, String issuer, String discovery, String secret) {
    }

    /** How the form names a sign-in method. */
    public static String label(SignInMethod method) {
        return switch (method) {
            case PASSKEY -> "Passkey";
            case PHONE -> "Phone approval";
            case TOTP -> "TOTP code";
            case RECOVERY_CODE -> "Recovery code";
        };
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, this::list)
                .page(HandlerType.POST, PATH, this::create)
                .page(HandlerType.GET, PATH + "/{clientId}/delete", this::confirmDelete)
                .page(HandlerType.POST, PATH + "/{clientId}/delete", this::delete);
    }

    private void list(Context ctx) {
        ConsoleAccess.require(ctx, Permission.OIDC_CLIENTS);
        String done = ctx.queryParam("done");
        render(ctx, 200, done == null ? null : NOTICES.get(done), null, Draft.EMPTY, null);
    }

    private void create(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.OIDC_CLIENTS);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        access.requireFresh(ctx, PATH);
        Draft draft = Draft.of(form);
        OidcClients.Registered registered;
        try {
            registered = clients.register(draft.registration(), by.actor(), Requests.client(ctx));
        } catch (GatehouseException refused) {
            ProblemMapper.rethrowFaults(refused);
            // Shown with the form as it was typed, so that one wrong URI does not cost the whole form.
            render(ctx, ProblemMapper.status(refused), null, refused.detail(), draft, null);
            return;
        }
        OidcClient client = registered.client();
        Created created = new Created(client.name(), client.clientId(), endpoints.issuer(),
                endpoints.at(Endpoints.DISCOVERY).toString(), registered.secret().orElse(null));
        render(ctx, 200, "The application '" + client.name() + "' is registered." + (created.secret() == null ? ""
                : " Copy its secret now: it is shown only once."), null, Draft.EMPTY, created);
    }

    private void confirmDelete(Context ctx) {
        ConsoleAccess.require(ctx, Permission.OIDC_CLIENTS);
        Row row = Row.of(clients.get(ctx.pathParam("clientId")));
        ConsolePages.render(ctx, 200, "applications/delete", ConsolePages.chrome(ctx, "applications",
                "Delete " + row.name(), null, null), Map.of("application", row));
    }

    private void delete(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.OIDC_CLIENTS);
        String clientId = ctx.pathParam("clientId");
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        access.requireFresh(ctx, PATH + "/" + URLEncoder.encode(clientId, StandardCharsets.UTF_8) + "/delete");
        if (!"yes".equals(form.text("confirm"))) {
            throw GatehouseException.invalid("confirmation_missing", "tick the box that confirms the deletion; it"
                    + " cannot be undone");
        }
        clients.delete(clientId, by.actor(), Requests.client(ctx));
        ConsoleAccess.redirect(ctx, PATH + "?done=deleted");
    }

    private void render(Context ctx, int status, String notice, String error, Draft draft, Created created) {
        Map<String, Object> params = new HashMap<>();
        params.put("rows", clients.list().stream().map(Row::of).toList());
        params.put("methods", SignInMethod.ALL.stream().sorted().toList());
        params.put("draft", draft);
        params.put("created", created);
        ConsolePages.render(ctx, status, "applications/list", ConsolePages.chrome(ctx, "applications",
                "Applications", notice, error), params);
    }
}
