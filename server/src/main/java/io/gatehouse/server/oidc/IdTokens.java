package io.gatehouse.server.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.gatehouse.server.crypto.CryptoException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/** Signs ID tokens with the active key; {@code sub} is the person's user id, stable and never reassigned. */
final class IdTokens {
    static final Duration LIFETIME = Duration.ofMinutes(5);

    private final SigningKeys keys;
    private final Endpoints endpoints;
    private final Clock clock;

    IdTokens(SigningKeys keys, Endpoints endpoints, Clock clock) {
        this.keys = keys;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    String sign(CodeGrant grant) {
        Instant now = clock.instant();
        SignIn signIn = grant.signIn();
        IDTokenClaimsSet claims = new IDTokenClaimsSet(new Issuer(endpoints.issuer()), new Subject(signIn.userId()),
                List.of(new Audience(grant.clientId())), Date.from(now.plus(LIFETIME)), Date.from(now));
        claims.setAuthenticationTime(Date.from(signIn.authTime()));
        grant.nonce().ifPresent(nonce -> claims.setNonce(new Nonce(nonce)));
        claims.setACR(new ACR(signIn.acr()));
        claims.setAMR(signIn.amr().stream().map(AMR::new).toList());
        try {
            return sign(claims.toJWTClaimsSet(), JOSEObjectType.JWT);
        } catch (ParseException e) {
            throw new CryptoException("cannot build the claims of an ID token", e);
        }
    }

    /**
     * The claims of an ID token this provider signed, as a logout request's {@code id_token_hint}: 1 it parses as a
     * signed JWT, 2 under a key the JWKS publishes (by {@code kid}), 3 the signature verifies, 4 its issuer is this
     * provider. Its expiry is not checked: OIDC RP-Initiated Logout allows an expired hint.
     */
    Optional<JWTClaimsSet> verifyHint(String hint) {
        try {
            SignedJWT jwt = SignedJWT.parse(hint);
            JWK key = keys.published().getKeyByKeyId(jwt.getHeader().getKeyID());
            if (key == null || !jwt.verify(new ECDSAVerifier(key.toECKey()))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            return endpoints.issuer().equals(claims.getIssuer()) ? Optional.of(claims) : Optional.empty();
        } catch (java.text.ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private String sign(JWTClaimsSet claims, JOSEObjectType type) {
        ECKey key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(SigningKeys.ALGORITHM).keyID(key.getKeyID()).type(type)
                .build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new CryptoException("cannot sign an ID token", e);
        }
        return jwt.serialize();
    }
}
