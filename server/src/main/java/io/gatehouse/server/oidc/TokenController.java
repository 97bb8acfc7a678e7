package io.gatehouse.server.oidc;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Optional;

/**
 * {@code POST /oauth2/token} (RFC 6749 §3.2) and the userinfo endpoint. Requests are parsed by the SDK; every
 * refusal is answered as OAuth error JSON with the error RFC 6749 names, never as a problem document. A fault of the
 * server's (a corrupt stored client, say) is no refusal: it goes to {@link ProblemMapper}, which logs it and answers
 * a 500 naming only an incident id.
 */
public final class TokenController {
    /** The error response of RFC 6749 §5.2 (and RFC 6750 §3.1 at the userinfo endpoint). */
    record OAuthError(String error, @JsonProperty("error_description") String errorDescription) {
    }

    /** The userinfo answer: the only claim this server releases is the subject (OpenID Connect Core §5.3.2). */
    record UserInfo(String sub) {
    }

    private final ClientAuthenticator clients;
    private final Tokens tokens;
    private final Endpoints endpoints;

    TokenController(ClientAuthenticator clients, Tokens tokens, Endpoints endpoints) {
        this.clients = clients;
        this.tokens = tokens;
        this.endpoints = endpoints;
    }

    public void register(Routes routes) {
        routes.post(Endpoints.TOKEN, this::token)
                .get(Endpoints.USERINFO, this::userinfo)
                .post(Endpoints.USERINFO, this::userinfo);
    }

    private void token(Context ctx) {
        noStore(ctx);
        try {
            TokenRequest request = parse(ctx);
            OidcClient client = clients.authenticate(request.getClientAuthentication(), request.getClientID());
            ClientInfo from = Requests.client(ctx);
            Tokens.Issued issued = switch (request.getAuthorizationGrant()) {
                case AuthorizationCodeGrant code -> tokens.exchangeCode(client, code.getAuthorizationCode()
                        .getValue(), Optional.ofNullable(code.getRedirectionURI()).map(URI::toString).orElse(null),
                        Optional.ofNullable(code.getCodeVerifier()).map(verifier -> verifier.getValue()), from);
                case RefreshTokenGrant refresh -> tokens.refresh(client, refresh.getRefreshToken().getValue(), from);
                default -> throw OAuthRefusal.of(OAuthRefusal.UNSUPPORTED_GRANT_TYPE, "grant_type "
                        + request.getAuthorizationGrant().getType() + " is not supported");
            };
            BearerAccessToken access = new BearerAccessToken(issued.accessToken(), issued.expiresIn().toSeconds(),
                    com.nimbusds.oauth2.sdk.Scope.parse(issued.scope()));
            RefreshToken refresh = issued.refreshToken().map(RefreshToken::new).orElse(null);
            OIDCTokens answer = issued.idToken().isPresent()
                    ? new OIDCTokens(JWTParser.parse(issued.idToken().get()), access, refresh)
                    : new OIDCTokens(access, refresh);
            ctx.status(200).contentType("application/json")
                    .result(JSONObjectUtils.toJSONString(new OIDCTokenResponse(answer).toJSONObject()));
        } catch (GatehouseException refusal) {
            ProblemMapper.rethrowFaults(refusal);
            error(ctx, refusal);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("an ID token this server signed does not parse", e);
        }
    }

    private void userinfo(Context ctx) {
        noStore(ctx);
        String header = ctx.header("Authorization");
        Optional<Tokens.Bearer> bearer = Optional.empty();
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = tokens.bearer(header.substring(7).strip());
        }
        if (bearer.isEmpty()) {
            // RFC 6750 §3: the challenge names the error; no body is needed.
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            ctx.status(401).json(new OAuthError("invalid_token", "the access token is unknown, expired or revoked"));
            return;
        }
        ctx.json(new UserInfo(bearer.get().userId()));
    }

    private TokenRequest parse(Context ctx) {
        HTTPRequest http = new HTTPRequest(HTTPRequest.Method.POST, endpoints.at(Endpoints.TOKEN));
        Optional.ofNullable(ctx.contentType()).ifPresent(type -> http.setHeader("Content-Type", type));
        Optional.ofNullable(ctx.header("Authorization")).ifPresent(value -> http.setHeader("Authorization", value));
        http.setBody(ctx.body());
        try {
            return TokenRequest.parse(http);
        } catch (ParseException e) {
            ErrorObject error = e.getErrorObject();
            String code = error == null || error.getCode() == null ? OAuthRefusal.INVALID_REQUEST : error.getCode();
            throw OAuthRefusal.of(code, e.getMessage());
        }
    }

    private static void error(Context ctx, GatehouseException refusal) {
        int status = OAuthRefusal.INVALID_CLIENT.equals(refusal.code()) ? 401 : 400;
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Basic realm=\"gatehouse\"");
        }
        ctx.status(status).json(new OAuthError(refusal.code(), refusal.detail()));
    }

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }
}
