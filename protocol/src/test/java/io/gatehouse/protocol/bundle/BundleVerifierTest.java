package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link BundleVerifier}, laid out by its numbered steps. */
class BundleVerifierTest {

    private final BundleFixture fixture = new BundleFixture();

    private static BundleCheck.Refused refused(BundleCheck check) {
        assertThat(check).isInstanceOf(BundleCheck.Refused.class);
        return (BundleCheck.Refused) check;
    }

    private static BundleCheck verify(byte[] bytes, long lastVersion) {
        return BundleVerifier.verify(bytes, BundleFixture.pins(), "r-lobby", lastVersion);
    }

    @Test
    void a_good_bundle_is_accepted_with_its_content() {
        BundleCheck check = verify(fixture.encode(), 6);

        assertThat(check).isEqualTo(new BundleCheck.Accepted(fixture.bundle(), "k1"));
    }

    @Nested
    class Step1Parse {

        @Test
        void garbage_is_malformed() {
            BundleCheck.Refused refused = refused(verify("not a bundle".getBytes(), 0));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.MALFORMED);
            assertThat(refused.reason().step()).isEqualTo(1);
        }

        @Test
        void a_cut_off_download_is_truncated() {
            byte[] bytes = fixture.encode();

            BundleCheck.Refused refused = refused(verify(Arrays.copyOf(bytes, bytes.length - 1), 0));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.TRUNCATED);
            assertThat(refused.detail()).isEqualTo("at byte " + (bytes.length - 64) + ": expected 64 bytes of signature, got 63"
                    + " (the bundle of " + (bytes.length - 1) + " bytes ends there)");
        }
    }

    @Nested
    class Step2PinnedKey {

        @Test
        void a_bundle_signed_with_a_key_id_that_is_not_pinned_is_unknown_key() {
            fixture.keyId = "k9";
            fixture.signingKey = BundleFixture.OTHER_SERVER_KEY;

            BundleCheck.Refused refused = refused(verify(fixture.encode(), 0));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.UNKNOWN_KEY);
            assertThat(refused.detail()).isEqualTo("bundle is signed with key id 'k9', expected one of the pinned key ids [k1]");
        }

        @Test
        void with_no_pinned_key_every_bundle_is_unknown_key() {
            BundleCheck check = BundleVerifier.verify(fixture.encode(), List.of(), "r-lobby", 0);

            assertThat(refused(check).reason()).isEqualTo(BundleRefusal.UNKNOWN_KEY);
        }
    }

    @Nested
    class Step3Signature {

        @Test
        void a_bundle_signed_by_another_key_under_a_pinned_id_is_bad_signature() {
            fixture.signingKey = BundleFixture.OTHER_SERVER_KEY;

            BundleCheck.Refused refused = refused(verify(fixture.encode(), 0));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.BAD_SIGNATURE);
            assertThat(refused.detail()).isEqualTo("the signature does not verify with pinned key 'k1'");
        }

        @Test
        void a_changed_payload_byte_is_bad_signature() {
            byte[] bytes = fixture.encode();
            bytes[10] ^= 0x01; // inside bundleVersion: 7 becomes 263, still well-formed

            assertThat(refused(verify(bytes, 0)).reason()).isEqualTo(BundleRefusal.BAD_SIGNATURE);
        }

        @Test
        void an_all_zero_signature_is_bad_signature() {
            byte[] bytes = fixture.encode();
            Arrays.fill(bytes, bytes.length - 64, bytes.length, (byte) 0);

            BundleCheck.Refused refused = refused(verify(bytes, 0));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.BAD_SIGNATURE);
        }
    }

    @Nested
    class Step4Version {

        @Test
        void the_same_version_again_is_old_version() {
            BundleCheck.Refused refused = refused(verify(fixture.encode(), 7));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.OLD_VERSION);
            assertThat(refused.detail()).isEqualTo("bundle version 7 is not newer than the accepted version 7");
        }

        @Test
        void an_older_version_is_old_version() {
            assertThat(refused(verify(fixture.encode(), 8)).reason()).isEqualTo(BundleRefusal.OLD_VERSION);
        }

        @Test
        void a_newer_bundle_is_accepted_even_when_it_has_already_expired() {
            fixture.expiresAt = fixture.issuedAt;

            assertThat(verify(fixture.encode(), 6)).isInstanceOf(BundleCheck.Accepted.class);
        }
    }

    @Nested
    class Step5Reader {

        @Test
        void a_bundle_for_another_reader_is_wrong_reader() {
            fixture.readerId = "r-vault";

            BundleCheck.Refused refused = refused(verify(fixture.encode(), 0));

            assertThat(refused.reason()).isEqualTo(BundleRefusal.WRONG_READER);
            assertThat(refused.detail()).isEqualTo("bundle is for reader 'r-vault', expected 'r-lobby'");
        }
    }

    @Test
    void keys_rotate_through_the_trusted_keys_of_an_accepted_bundle() {
        // Bundle 7, signed by k1, tells the reader to pin k1 and k2 from now on.
        fixture.trustedKeys.add(new TrustedKey("k2", BundleFixture.OTHER_SERVER_KEY.getPublic()));
        BundleCheck.Accepted first = (BundleCheck.Accepted) verify(fixture.encode(), 0);
        // Bundle 8 is signed by k2 only and drops k1.
        fixture.version = 8;
        fixture.keyId = "k2";
        fixture.signingKey = BundleFixture.OTHER_SERVER_KEY;
        fixture.trustedKeys.remove(0);
        byte[] second = fixture.encode();

        assertThat(refused(verify(second, 7)).reason()).isEqualTo(BundleRefusal.UNKNOWN_KEY);
        BundleCheck check = BundleVerifier.verify(second, first.bundle().trustedKeys(), "r-lobby", 7);
        assertThat(check).isInstanceOf(BundleCheck.Accepted.class);
        assertThat(((BundleCheck.Accepted) check).bundle().trustedKeys()).extracting(TrustedKey::keyId).containsExactly("k2");
    }
}
