package io.gatehouse.server.passkey;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** A FIDO Metadata Service BLOB made in the test, signed by a test root, describing one test authenticator. */
final class TestMetadata {
    private TestMetadata() {
    }

    /**
     * A signed BLOB with one entry for {@code aaguid}: keys kept as {@code keyProtection}, users verified by the
     * combinations {@code userVerification} (each a list of method names), attested under {@code attestationRoot}.
     */
    static String blob(TestCertificates.Issued signer, UUID aaguid, List<String> keyProtection,
            List<List<String>> userVerification, TestCertificates.Issued attestationRoot, boolean certificateUrl) {
        ObjectNode header = Json.MAPPER.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(signer.der()));
        if (certificateUrl) {
            header.put("x5u", "https://metadata.invalid/chain.pem");
        }
        ObjectNode statement = Json.MAPPER.createObjectNode().put("legalHeader", TrustRoots.FIDO_LEGAL_HEADER)
                .put("aaguid", aaguid.toString()).put("description", "Test Authenticator")
                .put("authenticatorVersion", 1).put("protocolFamily", "fido2").put("schema", 3);
        statement.putArray("upv").addObject().put("major", 1).put("minor", 0);
        statement.putArray("authenticationAlgorithms").add("secp256r1_ecdsa_sha256_raw");
        statement.putArray("publicKeyAlgAndEncodings").add("cose");
        statement.putArray("attestationTypes").add("basic_full");
        ArrayNode details = statement.putArray("userVerificationDetails");
        for (List<String> combination : userVerification) {
            ArrayNode methods = details.addArray();
            combination.forEach(method -> methods.addObject().put("userVerificationMethod", method));
        }
        ArrayNode protection = statement.putArray("keyProtection");
        keyProtection.forEach(protection::add);
        statement.putArray("matcherProtection").add("on_chip");
        statement.putArray("tcDisplay");
        statement.putArray("attestationRootCertificates").add(Base64.getEncoder()
                .encodeToString(attestationRoot.der()));
        ObjectNode payload = Json.MAPPER.createObjectNode().put("legalHeader", TrustRoots.FIDO_LEGAL_HEADER)
                .put("no", 1).put("nextUpdate", "2099-01-01");
        ObjectNode entry = payload.putArray("entries").addObject().put("aaguid", aaguid.toString())
                .put("timeOfLastStatusChange", "2025-01-01");
        entry.set("metadataStatement", statement);
        entry.putArray("statusReports").addObject().put("status", "FIDO_CERTIFIED_L1")
                .put("effectiveDate", "2025-01-01");
        String signingInput = Base64Url.encode(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + Base64Url.encode(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        return signingInput + "." + Base64Url.encode(TestAuthenticator.sign(signer.privateKey(),
                signingInput.getBytes(StandardCharsets.US_ASCII)));
    }
}
