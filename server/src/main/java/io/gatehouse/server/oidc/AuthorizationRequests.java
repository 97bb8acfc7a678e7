package io.gatehouse.server.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1) before anyone is asked to sign in. A request
 * whose client or redirect URI is not registered is answered on an error page, never redirected: a redirect to an
 * unchecked URI would make the provider an open redirector. Every later refusal goes back to the client's registered
 * redirect URI with the error and the request's {@code state}.
 */
final class AuthorizationRequests {
    /** Longer values than any client needs; they would travel in every redirect and sealed page. */
    static final int MAX_STATE = 512;
    static final int MAX_NONCE = 512;

    private final OidcClients clients;

    AuthorizationRequests(OidcClients clients) {
        this.clients = clients;
    }

    /** The outcome of the checks: exactly one of the three. */
    sealed interface Outcome {
    }

    /** Shown to the person, never redirected. */
    record ErrorPage(String reason) implements Outcome {
    }

    /** Sent back to the client's registered redirect URI. */
    record ErrorRedirect(URI redirectUri, ErrorObject error, State state) implements Outcome {
    }

    /** A request the person may now be asked to sign in for. */
    record Valid(OidcClient client, AuthenticationRequest request) implements Outcome {
    }

    Outcome check(Map<String, List<String>> parameters) {
        // 1. A registered client.
        String clientId = single(parameters, "client_id");
        Optional<OidcClient> found = clients.find(clientId);
        if (found.isEmpty()) {
            return new ErrorPage(clientId == null ? "The request names no application (client_id is missing)."
                    : "The application that sent you here is not registered.");
        }
        OidcClient client = found.get();
        // 2. A redirect URI registered for it, exactly (a request without one is refused: OIDC requires it).
        String redirect = single(parameters, "redirect_uri");
        if (redirect == null || !client.allowsRedirect(redirect)) {
            return new ErrorPage("The address the application asked to return to is not registered for it.");
        }
        URI redirectUri = URI.create(redirect);
        // 3. A state the client can be answered with: one value, of a bounded length.
        String stateText = single(parameters, "state");
        if (stateText == null && parameters.containsKey("state") || stateText != null
                && stateText.length() > MAX_STATE) {
            return new ErrorPage("The application sent a malformed state parameter.");
        }
        State state = Optional.ofNullable(stateText).map(State::new).orElse(null);
        // 4. An OpenID Connect request: the SDK would call a missing openid scope a malformed request.
        String scope = single(parameters, "scope");
        if (scope == null || !List.of(scope.split(" ")).contains(OIDCScopeValue.OPENID.getValue())) {
            return new ErrorRedirect(redirectUri, OAuth2Error.INVALID_SCOPE.setDescription("scope must include"
                    + " openid"), state);
        }
        // 5. A well-formed request otherwise (the SDK names what is wrong).
        AuthenticationRequest request;
        try {
            request = AuthenticationRequest.parse(parameters);
        } catch (ParseException e) {
            ErrorObject error = Optional.ofNullable(e.getErrorObject()).orElse(OAuth2Error.INVALID_REQUEST);
            return new ErrorRedirect(redirectUri, error.setDescription(e.getMessage()), state);
        }
        // 6. The authorization code flow only.
        if (!request.getResponseType().equals(new ResponseType(ResponseType.Value.CODE))) {
            return new ErrorRedirect(redirectUri, OAuth2Error.UNSUPPORTED_RESPONSE_TYPE
                    .setDescription("only response_type=code is supported"), state);
        }
        // 7. Request objects are not supported (OIDC Core §6).
        if (request.getRequestObject() != null || request.getRequestURI() != null) {
            return new ErrorRedirect(redirectUri, new ErrorObject("request_not_supported",
                    "request objects are not supported"), state);
        }
        // 8. A nonce, if sent, of a bounded length (it is copied into the ID token).
        if (request.getNonce() != null && request.getNonce().getValue().length() > MAX_NONCE) {
            return new ErrorRedirect(redirectUri, OAuth2Error.INVALID_REQUEST.setDescription("nonce is longer than "
                    + MAX_NONCE + " characters"), state);
        }
        // 9. PKCE with S256: required for public clients (they cannot keep a secret that would protect the code).
        if (request.getCodeChallenge() == null) {
            if (client.publicClient()) {
                return new ErrorRedirect(redirectUri, OAuth2Error.INVALID_REQUEST.setDescription("a public client"
                        + " must send a code_challenge (PKCE, S256)"), state);
            }
        } else if (!CodeChallengeMethod.S256.equals(request.getCodeChallengeMethod())) {
            return new ErrorRedirect(redirectUri, OAuth2Error.INVALID_REQUEST.setDescription("code_challenge_method"
                    + " must be S256"), state);
        }
        return new Valid(client, request);
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }
}
