package io.gatehouse.server.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Fields;

/** The request bodies of the passkey endpoints. */
final class PasskeyRequests {
    private PasskeyRequests() {
    }

    record RegistrationOptions(String enrollmentToken) {
        RegistrationOptions {
            Fields.required("enrollmentToken", enrollmentToken, "a string");
        }
    }

    record Registration(String enrollmentToken, String ceremonyId, JsonNode credential) {
        Registration {
            Fields.required("enrollmentToken", enrollmentToken, "a string");
            Fields.required("ceremonyId", ceremonyId, "a string");
            requireObject(credential);
        }
    }

    record AssertionOptions(String deviceId) {
        AssertionOptions {
            Fields.required("deviceId", deviceId, "a string");
        }
    }

    record Assertion(String ceremonyId, JsonNode credential) {
        Assertion {
            Fields.required("ceremonyId", ceremonyId, "a string");
            requireObject(credential);
        }
    }

    private static void requireObject(JsonNode credential) {
        Fields.required("credential", credential, "an object");
        if (!credential.isObject()) {
            throw io.gatehouse.server.common.GatehouseException.invalidField("credential", "an object",
                    credential.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
