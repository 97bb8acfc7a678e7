package io.gatehouse.server.oidc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.policy.SignInMethod;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/oidc/clients}: administrators register the applications that sign people in. */
public final class OidcClientController {
    private final OidcClients clients;
    private final Authenticator auth;
    private final int maxBody;

    public OidcClientController(OidcClients clients, Authenticator auth, int maxBody) {
        this.clients = clients;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/oidc/clients", this::create)
                .get("/api/v1/oidc/clients", this::list)
                .get("/api/v1/oidc/clients/{clientId}", this::get)
                .delete("/api/v1/oidc/clients/{clientId}", this::delete);
    }

    /** {@code POST /api/v1/oidc/clients}; {@code public} has no default: a confidential client must say so. */
    record CreateRequest(String name, List<String> redirectUris, @JsonProperty("public") Boolean publicClient,
            List<String> postLogoutRedirectUris, Boolean refreshTokens, Map<String, Object> jwks,
            List<String> signInMethods, Boolean phishingResistant) {
        CreateRequest {
            Fields.required("name", name, "a string");
            Fields.required("redirectUris", redirectUris, "an array of URIs");
            Fields.required("public", publicClient, "true or false");
            if (redirectUris.contains(null)) {
                throw GatehouseException.invalidField("redirectUris", "an array of strings",
                        "an array containing null");
            }
            redirectUris = List.copyOf(redirectUris);
            postLogoutRedirectUris = Fields.listOrEmpty(postLogoutRedirectUris);
        }

        OidcClients.Registration registration() {
            return new OidcClients.Registration(name, redirectUris, publicClient, postLogoutRedirectUris,
                    Boolean.TRUE.equals(refreshTokens), jwks, signInMethods == null ? SignInMethod.ALL
                            : SignInMethod.parseAll("signInMethods", signInMethods),
                    Boolean.TRUE.equals(phishingResistant));
        }
    }

    /** A client as listed; never its secret. */
    record ClientView(String clientId, String name, @JsonProperty("public") boolean publicClient,
            List<String> redirectUris, List<String> postLogoutRedirectUris, String tokenEndpointAuthMethod,
            boolean refreshTokens, List<String> signInMethods, boolean phishingResistant, String createdBy,
            String createdAt) {
        static ClientView of(OidcClient client) {
            return new ClientView(client.clientId(), client.name(), client.publicClient(),
                    client.redirectUris().stream().map(URI::toString).toList(),
                    client.postLogoutRedirectUris().stream().map(URI::toString).toList(),
                    client.authMethod().code(), client.refreshTokens(), SignInMethod.codes(client.signInMethods()),
                    client.phishingResistant(), client.createdBy(), client.createdAt().toString());
        }
    }

    /** A registered client with its secret, shown only in this answer; no {@code clientSecret} when it has none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CreatedView(String clientId, String name, @JsonProperty("public") boolean publicClient,
            List<String> redirectUris, List<String> postLogoutRedirectUris, String tokenEndpointAuthMethod,
            boolean refreshTokens, List<String> signInMethods, boolean phishingResistant, String createdBy,
            String createdAt, String clientSecret) {
        static CreatedView of(OidcClients.Registered registered) {
            ClientView view = ClientView.of(registered.client());
            return new CreatedView(view.clientId(), view.name(), view.publicClient(), view.redirectUris(),
                    view.postLogoutRedirectUris(), view.tokenEndpointAuthMethod(), view.refreshTokens(),
                    view.signInMethods(), view.phishingResistant(), view.createdBy(), view.createdAt(),
                    registered.secret().orElse(null));
        }
    }

    record ClientList(List<ClientView> clients) {
    }

    private void create(Context ctx) {
        Principal principal = auth.require(ctx, Permission.OIDC_CLIENTS);
        CreateRequest request = Bodies.read(ctx, maxBody, CreateRequest.class);
        OidcClients.Registered registered = clients.register(request.registration(), principal.actor(),
                Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(CreatedView.of(registered));
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.OIDC_CLIENTS);
        ctx.json(new ClientList(clients.list().stream().map(ClientView::of).toList()));
    }

    private void get(Context ctx) {
        auth.require(ctx, Permission.OIDC_CLIENTS);
        ctx.json(ClientView.of(clients.get(ctx.pathParam("clientId"))));
    }

    private void delete(Context ctx) {
        Principal principal = auth.require(ctx, Permission.OIDC_CLIENTS);
        clients.delete(ctx.pathParam("clientId"), principal.actor(), Requests.client(ctx));
        ctx.status(204);
    }
}
