package io.gatehouse.protocol.access;

import static io.gatehouse.protocol.access.TestVectors.hex;
import static io.gatehouse.protocol.access.TestVectors.number;
import static io.gatehouse.protocol.access.TestVectors.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base45;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@code vectors.json}, the file {@code docs/protocol.md} publishes for other implementations:
 * every value in it must follow from the others, and every verdict must be what this verifier decides.
 */
class VectorsTest {

    static Stream<Arguments> vectors() {
        return TestVectors.vectors().stream().map(vector -> Arguments.of(string(vector, "name"), vector));
    }

    static Stream<Arguments> verdicts() {
        return TestVectors.list(TestVectors.ROOT, "verdicts").stream()
                .map(verdict -> Arguments.of(string(verdict, "name"), verdict));
    }

    @Test
    void the_label_and_key_encodings_agree() {
        Map<String, Object> key = TestVectors.object(TestVectors.ROOT, "key");
        Map<String, Object> mintingKey = TestVectors.object(TestVectors.ROOT, "mintingKey");
        assertThat(string(TestVectors.ROOT, "domainLabel")).isEqualTo(AccessProof.DOMAIN_LABEL);
        assertThat(hex(TestVectors.ROOT, "domainLabelHex")).isEqualTo(AccessProof.DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlDecoder().decode(string(key, "publicKeySpkiBase64Url"))).isEqualTo(hex(key, "publicKeySpkiHex"));
        assertThat(PublicKeys.toSpki(TestVectors.KEY_PAIR.getPublic())).isEqualTo(hex(key, "publicKeySpkiHex"));
        assertThat(Base64.getUrlDecoder().decode(string(mintingKey, "publicKeySpkiBase64Url")))
                .isEqualTo(hex(mintingKey, "publicKeySpkiHex"));
        assertThat(PublicKeys.toSpki(TestVectors.MINTING_KEY_PAIR.getPublic())).isEqualTo(hex(mintingKey, "publicKeySpkiHex"));
        assertThat(number(mintingKey, "keyId")).isEqualTo(VerifierFixture.MINTING_KEY_ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void the_body_follows_from_the_fields(String name, Map<String, Object> vector) {
        CredentialId id = new CredentialId(hex(vector, "credentialIdHex"));
        assertThat(id.toString()).isEqualTo(string(vector, "credentialIdBase64Url"));
        ProofType type = ProofType.fromCode((int) number(vector, "type")).orElseThrow();
        long nonce = HexFormat.fromHexDigitsToLong(string(vector, "nonceHex"));
        boolean uv = (Boolean) vector.get("userVerified");
        int mintingKeyId = vector.containsKey("mintingKeyId") ? (int) number(vector, "mintingKeyId")
                : AccessProof.NO_MINTING_KEY;

        byte[] body = AccessProof.body(type, id, number(vector, "issuedAt"), nonce, uv, mintingKeyId);

        assertThat(HexFormat.of().formatHex(body)).isEqualTo(string(vector, "bodyHex"));
        assertThat(HexFormat.of().formatHex(AccessProof.signaturePayload(body))).isEqualTo(string(vector, "signaturePayloadHex"));
        assertThat(body[30]).isEqualTo((byte) number(vector, "flags"));
        assertThat(body).hasSize(type == ProofType.SERVER_MINTED ? 32 : 31);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void the_fixed_signature_verifies_and_the_encodings_agree(String name, Map<String, Object> vector) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(signerOf(vector).getPublic());
        verifier.update(hex(vector, "signaturePayloadHex"));
        assertThat(verifier.verify(hex(vector, "signatureHex"))).isTrue();

        assertThat(string(vector, "proofHex")).isEqualTo(string(vector, "bodyHex") + string(vector, "signatureHex"));
        assertThat(Base45.encode(hex(vector, "proofHex"))).isEqualTo(string(vector, "proofText"));
        ParseResult parsed = AccessProofCodec.parse(string(vector, "proofText"));
        assertThat(parsed).isInstanceOf(ParseResult.Parsed.class);
        assertThat(((ParseResult.Parsed) parsed).proof().toBytes()).isEqualTo(hex(vector, "proofHex"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void signing_the_same_fields_again_gives_the_same_body_and_a_valid_other_signature(String name,
            Map<String, Object> vector) {
        AccessProof published = ((ParseResult.Parsed) AccessProofCodec.parse(string(vector, "proofText"))).proof();

        ProofSigner signer = new ProofSigner(signerOf(vector).getPrivate());
        AccessProof again = published.type() == ProofType.SERVER_MINTED
                ? signer.mint(published.mintingKeyId(), published.credentialId(), published.issuedAtEpochSecond(),
                        published.nonce(), published.userVerified())
                : signer.sign(published.type(), published.credentialId(), published.issuedAtEpochSecond(),
                        published.nonce(), published.userVerified());

        assertThat(again.signedBytes()).isEqualTo(hex(vector, "bodyHex"));
        assertThat(again.signature()).as("ECDSA is randomised").isNotEqualTo(published.signature());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void the_published_verdict_is_what_the_verifier_decides(String name, Map<String, Object> verdict) {
        Map<String, Object> context = TestVectors.context();
        DoorSettings door = new DoorSettings(string(context, "doorId"), string(context, "zoneId"),
                ZoneId.of(string(context, "siteTimeZone")), (int) number(context, "proofLifetimeSeconds"),
                (int) number(context, "allowedSkewSeconds"), (Boolean) context.get("requireUserVerification"),
                DeviceTrust.parse(string(context, "minimumTrust")));
        @SuppressWarnings("unchecked")
        Set<String> roles = Set.copyOf((List<String>) (List<?>) context.get("roles"));
        String kind = string(verdict.containsKey("kind") ? verdict : context, "kind");
        DeviceTrust trust = DeviceTrust.parse(string(context, "trust"));
        CredentialView credential = switch (kind) {
            case "device_key" -> new CredentialView(VerifierFixture.ID, string(context, "userId"),
                    string(context, "deviceId"), TestVectors.KEY_PAIR.getPublic(), true, true, trust, roles);
            case "passkey" -> CredentialView.passkey(VerifierFixture.ID, string(context, "userId"),
                    string(context, "deviceId"), true, true, trust, roles);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        @SuppressWarnings("unchecked")
        List<Number> keyIds = (List<Number>) (List<?>) (verdict.containsKey("mintingKeyIds")
                ? verdict.get("mintingKeyIds") : context.get("mintingKeyIds"));
        Map<Integer, MintingKey> published = Map.of(
                7, new MintingKey(7, TestVectors.MINTING_KEY_PAIR.getPublic()),
                9, new MintingKey(9, TestVectors.KEY_PAIR.getPublic()));
        MintingKeyDirectory mintingKeys = MintingKeyDirectory.of(keyIds.stream()
                .map(id -> published.get(id.intValue())).toList());
        Set<String> seen = new HashSet<>();
        long now = verdict.containsKey("now") ? number(verdict, "now") : number(context, "now");
        AccessContext accessContext = new AccessContext(door, now,
                id -> id.equals(credential.id()) ? Optional.of(credential) : Optional.empty(),
                (id, nonce, expiresAt) -> seen.add(id + "/" + nonce),
                zone -> List.of(AccessRule.forRole("hq-main", "staff", List.of())), mintingKeys);
        AccessVerifier verifier = new AccessVerifier();
        if (verdict.containsKey("presentedBefore")) {
            @SuppressWarnings("unchecked")
            List<String> before = (List<String>) verdict.get("presentedBefore");
            before.forEach(text -> verifier.decide(text, accessContext));
        }

        assertThat(verifier.decide(string(verdict, "text"), accessContext).code()).isEqualTo(string(verdict, "expected"));
    }

    @Test
    void the_verdicts_cover_every_reason_the_proof_alone_can_cause() {
        Set<String> expected = new HashSet<>();
        TestVectors.list(TestVectors.ROOT, "verdicts").forEach(verdict -> expected.add(string(verdict, "expected")));

        assertThat(expected).contains("granted", "malformed", "unknown_credential", "wrong_proof_type",
                "unknown_minting_key", "bad_signature", "not_yet_valid", "expired", "replayed",
                "user_verification_required");
    }

    private static java.security.KeyPair signerOf(Map<String, Object> vector) {
        return number(vector, "type") == ProofType.SERVER_MINTED.code() ? TestVectors.MINTING_KEY_PAIR
                : TestVectors.KEY_PAIR;
    }
}
