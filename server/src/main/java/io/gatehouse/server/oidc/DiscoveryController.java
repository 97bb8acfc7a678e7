package io.gatehouse.server.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.claims.ClaimType;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.List;

/**
 * The provider's published metadata: discovery (OpenID Connect Discovery 1.0), the JWKS its tokens verify with, and
 * the rotation of the signing keys for administrators.
 */
public final class DiscoveryController {
    /** Relying parties re-fetch the JWKS at most this often; a rotation publishes the next key well before. */
    private static final int JWKS_MAX_AGE_SECONDS = 300;

    private final Endpoints endpoints;
    private final SigningKeys keys;
    private final Authenticator auth;

    public DiscoveryController(Endpoints endpoints, SigningKeys keys, Authenticator auth) {
        this.endpoints = endpoints;
        this.keys = keys;
        this.auth = auth;
    }

    /** The answer of a rotation step: the sentence, and the key ids the JWKS publishes now, oldest first. */
    record Rotation(String result, List<String> publishedKeyIds) {
    }

    public void register(Routes routes) {
        routes.get(Endpoints.DISCOVERY, this::discovery)
                .get(Endpoints.JWKS, this::jwks)
                .post("/api/v1/keys/oidc/rotate", this::rotate);
    }

    /**
     * What the provider supports; built with the SDK so that its field names and shapes are the standard's. Only
     * what is built is announced.
     */
    OIDCProviderMetadata metadata() {
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(endpoints.issuer()),
                List.of(SubjectType.PUBLIC), endpoints.at(Endpoints.JWKS));
        metadata.setAuthorizationEndpointURI(endpoints.at(Endpoints.AUTHORIZE));
        metadata.setTokenEndpointURI(endpoints.at(Endpoints.TOKEN));
        metadata.setUserInfoEndpointURI(endpoints.at(Endpoints.USERINFO));
        metadata.setEndSessionEndpointURI(endpoints.at(SignInController.LOGOUT));
        metadata.setResponseTypes(List.of(ResponseType.CODE));
        metadata.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        metadata.setScopes(new Scope("openid", "offline_access"));
        metadata.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        metadata.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT, ClientAuthenticationMethod.NONE));
        metadata.setTokenEndpointJWSAlgs(List.of(com.nimbusds.jose.JWSAlgorithm.ES256,
                com.nimbusds.jose.JWSAlgorithm.RS256));
        metadata.setIDTokenJWSAlgs(List.of(SigningKeys.ALGORITHM));
        metadata.setClaimTypes(List.of(ClaimType.NORMAL));
        metadata.setClaims(List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr"));
        metadata.setACRs(StepUp.SUPPORTED);
        metadata.setSupportsAuthorizationResponseIssuerParam(true);
        return metadata;
    }

    private void discovery(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=" + JWKS_MAX_AGE_SECONDS);
        ctx.contentType("application/json").result(JSONObjectUtils.toJSONString(metadata().toJSONObject()));
    }

    private void jwks(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=" + JWKS_MAX_AGE_SECONDS);
        ctx.contentType("application/json").result(keys.published().toString(true));
    }

    private void rotate(Context ctx) {
        Principal principal = auth.require(ctx, Permission.KEYS_ROTATE);
        String result = keys.rotate(principal.actor(), Requests.client(ctx));
        ctx.json(new Rotation(result, keys.published().getKeys().stream().map(key -> key.getKeyID()).toList()));
    }
}
