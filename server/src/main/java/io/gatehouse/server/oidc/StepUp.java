package io.gatehouse.server.oidc;

import com.nimbusds.openid.connect.sdk.claims.ACR;
import java.util.List;

/**
 * The authentication levels the provider signs people in at, named by {@code acr}. A phishing-resistant sign-in
 * (a passkey with user verification) satisfies a request for either level; TOTP only the lower one.
 */
public final class StepUp {
    /** Any second factor the person's policy allows (TOTP, recovery code, passkey). */
    public static final ACR MFA = new ACR("urn:gatehouse:acr:mfa");
    /** Phishing-resistant: a passkey with user verification, bound to this origin. */
    public static final ACR PHISHING_RESISTANT = new ACR("urn:gatehouse:acr:phr");
    public static final List<ACR> SUPPORTED = List.of(MFA, PHISHING_RESISTANT);

    private StepUp() {
    }
}
