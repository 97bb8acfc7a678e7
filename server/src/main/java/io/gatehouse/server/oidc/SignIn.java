package io.gatehouse.server.oidc;

import java.time.Instant;
import java.util.List;

/**
 * What a code (and the ID token it becomes) says about how the person signed in.
 *
 * @param authTime when the person last authenticated actively
 * @param acr the level reached ({@link StepUp})
 * @param amr the methods used, as RFC 8176 names them ({@code hwk}, {@code user}, {@code otp}…)
 */
public record SignIn(String userId, Instant authTime, String acr, List<String> amr) {
    public SignIn {
        amr = List.copyOf(amr);
    }
}
