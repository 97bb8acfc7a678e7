package io.gatehouse.server.totp;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import java.util.List;

/** The JSON bodies of the TOTP endpoints (openapi.json: CodeRequest, CodeOnly, Enrollment, Activation, Verdict). */
final class TotpApi {
    private TotpApi() {
    }

    static final int MAX_USERNAME_LENGTH = 64;

    /** A code to verify for a user; the code's shape is checked by the verifier, which knows its kind. */
    record CodeRequest(String username, String code) {
        CodeRequest {
            Fields.required("username", username, "a string");
            Fields.required("code", code, "a string");
            if (username.isEmpty() || username.length() > MAX_USERNAME_LENGTH) {
                throw GatehouseException.invalid("invalid_field", "field 'username' must be 1 to "
                        + MAX_USERNAME_LENGTH + " characters, got " + username.length());
            }
        }
    }

    /** The first code from the authenticator app, which activates an enrollment. */
    record CodeOnly(String code) {
        CodeOnly {
            Fields.required("code", code, "a string");
        }
    }

    /** A new enrollment link. */
    record EnrollmentLink(String id, String enrollmentUrl, String expiresAt) {
    }

    /** Recovery codes, shown this once. */
    record RecoveryCodeList(List<String> recoveryCodes) {
    }

    /** An activated credential and its first recovery codes. */
    record Activated(String credentialId, List<String> recoveryCodes) {
    }

    /** The answer to a verification: {@code reason} only when rejected, the other two only when they apply. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VerdictBody(String result, String reason, Integer recoveryCodesRemaining, Long retryAfterSeconds) {
        static VerdictBody of(Verdict verdict) {
            return new VerdictBody(verdict.result(), verdict.accepted() ? null : verdict.reason(),
                    verdict.remainingRecoveryCodes().isPresent() ? verdict.remainingRecoveryCodes().getAsInt() : null,
                    verdict.retryAfterSeconds().isPresent() ? verdict.retryAfterSeconds().getAsLong() : null);
        }
    }
}
