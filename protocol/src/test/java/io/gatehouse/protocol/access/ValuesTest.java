package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The value types: copies, equality, text forms and the checks in their constructors. */
class ValuesTest {

    @Nested
    class CredentialIds {

        @Test
        void bytes_are_copied_in_and_out() {
            byte[] bytes = new byte[16];
            CredentialId id = new CredentialId(bytes);
            bytes[0] = 1;
            id.bytes()[1] = 1;

            assertThat(id.bytes()).containsOnly(0);
        }

        @Test
        void equality_is_by_content() {
            CredentialId a = new CredentialId(HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
            CredentialId b = new CredentialId(HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));

            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a.toString()).isEqualTo("Dx4tPEtaaXiHlqW0w9Lh8A");
        }

        @Test
        void text_round_trips() {
            CredentialId id = CredentialId.random(new SecureRandom());

            assertThat(CredentialId.parse(id.toString())).isEqualTo(id);
            assertThat(id.toString()).hasSize(22).doesNotContain("=", "+", "/");
        }

        @Test
        void parse_rejects_wrong_lengths_padding_and_non_canonical_text() {
            assertThatIllegalArgumentException().isThrownBy(() -> CredentialId.parse("Dx4tPEtaaXiHlqW0w9Lh8"))
                    .withMessage("credential id: expected 22 base64url characters, got 21");
            assertThatIllegalArgumentException().isThrownBy(() -> CredentialId.parse("Dx4tPEtaaXiHlqW0w9Lh8A=="))
                    .withMessageContaining("expected 22");
            // The last character carries 4 spare bits; "B" sets one of them.
            assertThatIllegalArgumentException().isThrownBy(() -> CredentialId.parse("Dx4tPEtaaXiHlqW0w9Lh8B"))
                    .withMessage("credential id: non-canonical base64url 'Dx4tPEtaaXiHlqW0w9Lh8B', expected 'Dx4tPEtaaXiHlqW0w9Lh8A'");
            assertThatIllegalArgumentException().isThrownBy(() -> CredentialId.parse("Dx4tPEtaaXiHlqW0w9Lh+A"));
        }

        @Test
        void the_length_is_checked() {
            assertThatIllegalArgumentException().isThrownBy(() -> new CredentialId(new byte[15]))
                    .withMessage("credential id: expected 16 bytes, got 15");
        }
    }

    @Nested
    class AccessProofs {

        private final AccessProof proof = new VerifierFixture().proof(0x0102030405060708L);

        @Test
        void the_layout_is_95_bytes_with_the_body_first() {
            byte[] bytes = proof.toBytes();

            assertThat(bytes).hasSize(95);
            assertThat(HexFormat.of().formatHex(bytes, 0, 31))
                    .isEqualTo("01" + "01" + "0f1e2d3c4b5a69788796a5b4c3d2e1f0" + "6955b900" + "0102030405060708" + "01");
            assertThat(proof.signedBytes()).isEqualTo(java.util.Arrays.copyOf(bytes, 31));
            assertThat(proof.toText()).hasSize(143);
        }

        @Test
        void a_minted_proof_is_96_bytes_with_the_key_id_after_the_shared_fields() {
            AccessProof minted = new VerifierFixture().minted(0x0102030405060708L);
            byte[] bytes = minted.toBytes();

            assertThat(bytes).hasSize(96).hasSize(minted.length());
            assertThat(HexFormat.of().formatHex(bytes, 0, 32)).isEqualTo(
                    "01" + "02" + "0f1e2d3c4b5a69788796a5b4c3d2e1f0" + "6955b900" + "0102030405060708" + "01" + "07");
            assertThat(minted.signedBytes()).isEqualTo(java.util.Arrays.copyOf(bytes, 32));
            assertThat(java.util.Arrays.copyOfRange(minted.signaturePayload(), 25, 57)).isEqualTo(minted.signedBytes());
            assertThat(minted.toText()).hasSize(AccessProof.MINTED_TEXT_LENGTH);
            assertThat(minted.toString()).contains("mintingKeyId=7");
        }

        @Test
        void the_signature_payload_is_the_label_then_the_body() {
            assertThat(new String(proof.signaturePayload(), 0, 25, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("gatehouse.access-proof.v1");
            assertThat(java.util.Arrays.copyOfRange(proof.signaturePayload(), 25, 56)).isEqualTo(proof.signedBytes());
        }

        @Test
        void the_signature_is_copied_in_and_out_and_compared_by_content() {
            byte[] signature = proof.signature();
            signature[0] ^= 1;
            assertThat(proof.signature()).isNotEqualTo(signature);

            AccessProof copy = AccessProof.deviceSigned(proof.credentialId(), proof.issuedAtEpochSecond(),
                    proof.nonce(), proof.userVerified(), proof.signature());
            assertThat(copy).isEqualTo(proof).hasSameHashCodeAs(proof);
            assertThat(proof.toString()).contains("nonce=0102030405060708");
        }

        @Test
        void ranges_are_checked() {
            assertThatIllegalArgumentException().isThrownBy(() -> new AccessProof(2, ProofType.DEVICE_SIGNED,
                    VerifierFixture.ID, 0, 0, false, 0, new byte[64])).withMessage("access proof: expected version 1, got 2");
            assertThatIllegalArgumentException().isThrownBy(() -> new AccessProof(1, ProofType.DEVICE_SIGNED,
                    VerifierFixture.ID, -1, 0, false, 0, new byte[64])).withMessageContaining("got -1");
            assertThatIllegalArgumentException().isThrownBy(() -> new AccessProof(1, ProofType.DEVICE_SIGNED,
                    VerifierFixture.ID, 1L << 32, 0, false, 0, new byte[64])).withMessageContaining("got 4294967296");
            assertThatIllegalArgumentException().isThrownBy(() -> new AccessProof(1, ProofType.DEVICE_SIGNED,
                    VerifierFixture.ID, 0, 0, false, 0, new byte[63])).withMessage("access proof: expected a 64-byte signature, got 63 bytes");
            assertThatIllegalArgumentException().isThrownBy(() -> new AccessProof(1, ProofType.SERVER_MINTED,
                    VerifierFixture.ID, 0, 0, false, 0, new byte[64])).withMessage("minting key id must be in 1..255, got 0");
            assertThatIllegalArgumentException().isThrownBy(() -> new AccessProof(1, ProofType.DEVICE_SIGNED,
                    VerifierFixture.ID, 0, 0, false, 7, new byte[64]))
                    .withMessage("access proof: a device-signed proof names no minting key, got key id 7");
        }
    }

    @Nested
    class Settings {

        @Test
        void device_trust_codes_round_trip_and_are_ordered() {
            for (DeviceTrust trust : DeviceTrust.values()) {
                assertThat(DeviceTrust.parse(trust.code())).isEqualTo(trust);
            }
            assertThat(DeviceTrust.HARDWARE_BIOMETRIC.code()).isEqualTo("hardware+biometric");
            assertThat(DeviceTrust.HARDWARE.isAtLeast(DeviceTrust.SOFTWARE)).isTrue();
            assertThat(DeviceTrust.HARDWARE.isAtLeast(DeviceTrust.HARDWARE_BIOMETRIC)).isFalse();
            assertThatIllegalArgumentException().isThrownBy(() -> DeviceTrust.parse("HARDWARE"))
                    .withMessage("device trust: expected one of software, synced, hardware, hardware+biometric, got 'HARDWARE'");
        }

        @Test
        void synced_lies_between_software_and_hardware_and_keeps_its_own_wire_code() {
            assertThat(DeviceTrust.values()).containsExactly(DeviceTrust.SOFTWARE, DeviceTrust.SYNCED,
                    DeviceTrust.HARDWARE, DeviceTrust.HARDWARE_BIOMETRIC);
            assertThat(DeviceTrust.parse("synced")).isEqualTo(DeviceTrust.SYNCED);
            assertThat(DeviceTrust.SYNCED.isAtLeast(DeviceTrust.SOFTWARE)).isTrue();
            assertThat(DeviceTrust.SYNCED.isAtLeast(DeviceTrust.HARDWARE)).isFalse();
            assertThat(DeviceTrust.HARDWARE.isAtLeast(DeviceTrust.SYNCED)).isTrue();
            // The bytes of the first three levels are those of GHB1 bundles; the new level takes the next byte.
            assertThat(List.of(DeviceTrust.values()).stream().map(DeviceTrust::wireCode).toList())
                    .containsExactly(0, 3, 1, 2);
            for (DeviceTrust trust : DeviceTrust.values()) {
                assertThat(DeviceTrust.fromWireCode(trust.wireCode())).contains(trust);
            }
            assertThat(DeviceTrust.fromWireCode(4)).isEmpty();
        }

        @Test
        void door_settings_are_checked() {
            ZoneId zone = ZoneId.of("UTC");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DoorSettings("d", "z", zone, 0, 0, false, DeviceTrust.SOFTWARE))
                    .withMessage("door d: proof lifetime must be at least 1 s, got 0");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DoorSettings("d", "z", zone, 30, -1, false, DeviceTrust.SOFTWARE))
                    .withMessage("door d: allowed skew must be at least 0 s, got -1");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DoorSettings(" ", "z", zone, 30, 0, false, DeviceTrust.SOFTWARE));
        }

        @Test
        void a_rule_names_exactly_one_of_role_and_user() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new AccessRule("z", Optional.of("r"), Optional.of("u"), List.of()))
                    .withMessage("access rule for zone z: expected exactly one of role and userId, got both");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new AccessRule("z", Optional.empty(), Optional.empty(), List.of()))
                    .withMessageEndingWith("got neither");
        }

        @Test
        void the_context_time_is_bounded() {
            VerifierFixture fixture = new VerifierFixture();
            fixture.now = -1;
            assertThatIllegalArgumentException().isThrownBy(fixture::context)
                    .withMessage("now must be in 0..253402300799 epoch seconds, got -1");
        }

        @Test
        void a_decision_is_consistent() {
            assertThatIllegalArgumentException().isThrownBy(() -> new Decision(true, DenyReason.EXPIRED, "",
                    Optional.empty(), Optional.empty()));
            assertThatIllegalArgumentException().isThrownBy(() -> new Decision(false, null, "",
                    Optional.empty(), Optional.empty()));
            assertThatIllegalArgumentException().isThrownBy(() -> new Decision(true, null, "",
                    Optional.empty(), Optional.empty()));
        }
    }
}
