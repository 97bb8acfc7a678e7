package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialKind;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.WeeklyWindow;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The binary layout of {@link BundleCodec}: round trips, field encodings, and what parse refuses. */
class BundleCodecTest {

    private final BundleFixture fixture = new BundleFixture();

    private static BundleParseResult.Parsed parsed(byte[] bytes) {
        BundleParseResult result = BundleCodec.parse(bytes);
        assertThat(result).isInstanceOf(BundleParseResult.Parsed.class);
        return (BundleParseResult.Parsed) result;
    }

    private static BundleParseResult.Malformed malformed(byte[] bytes) {
        BundleParseResult result = BundleCodec.parse(bytes);
        assertThat(result).isInstanceOf(BundleParseResult.Malformed.class);
        return (BundleParseResult.Malformed) result;
    }

    // ---- Round trips ------------------------------------------------------------------------------

    @Test
    void a_bundle_survives_encode_and_parse_unchanged() {
        byte[] bytes = fixture.encode();

        BundleParseResult.Parsed parsed = parsed(bytes);

        assertThat(parsed.bundle()).isEqualTo(fixture.bundle());
        assertThat(parsed.signingKeyId()).isEqualTo("k1");
        assertThat(parsed.signedLength()).isEqualTo(bytes.length - 64);
        assertThat(parsed.signature()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 64, bytes.length));
    }

    @Test
    void an_empty_bundle_and_a_fail_open_door_round_trip() {
        fixture.credentials.clear();
        fixture.revoked.clear();
        fixture.rules.clear();
        fixture.offlineMode = OfflineMode.FAIL_OPEN;

        assertThat(parsed(fixture.encode()).bundle()).isEqualTo(fixture.bundle());
    }

    @Test
    void non_ascii_text_and_a_window_ending_at_midnight_round_trip() {
        fixture.readerId = "lecteur-entrée-€";
        fixture.rules.add(AccessRule.forRole("hq-main", "Pförtner 🚪", List.of(
                new WeeklyWindow(Set.of(DayOfWeek.SUNDAY), LocalTime.of(23, 59), LocalTime.MIDNIGHT))));

        assertThat(parsed(fixture.encode()).bundle()).isEqualTo(fixture.bundle());
    }

    @Test
    void roles_are_written_sorted_so_one_bundle_has_one_encoding() {
        byte[] first = fixture.encode();
        byte[] second = fixture.encode();

        // ECDSA signatures are randomised; everything before them is identical.
        assertThat(Arrays.copyOf(first, first.length - 64)).isEqualTo(Arrays.copyOf(second, second.length - 64));
        String text = new String(first, StandardCharsets.ISO_8859_1);
        assertThat(text.indexOf("\u0000\u0003ops")).isLessThan(text.indexOf("\u0000\u0005staff"));
    }

    // ---- Layout -----------------------------------------------------------------------------------

    @Test
    void the_header_is_magic_version_issued_at_expires_at_then_the_reader_id() {
        ByteBuffer bytes = ByteBuffer.wrap(fixture.encode());

        byte[] magic = new byte[4];
        bytes.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("GHB3");
        assertThat(bytes.getLong()).isEqualTo(7);
        assertThat(bytes.getLong()).isEqualTo(BundleFixture.ISSUED_AT);
        assertThat(bytes.getLong()).isEqualTo(BundleFixture.ISSUED_AT + 86_400);
        assertThat(bytes.getShort()).isEqualTo((short) 7);
        byte[] reader = new byte[7];
        bytes.get(reader);
        assertThat(new String(reader, StandardCharsets.UTF_8)).isEqualTo("r-lobby");
    }

    @Test
    void the_signing_key_id_is_the_last_field_before_the_signature() {
        byte[] bytes = fixture.encode();
        int end = bytes.length - 64;

        assertThat(Arrays.copyOfRange(bytes, end - 4, end)).containsExactly(0, 2, 'k', '1');
    }

    // ---- Encoding refuses what the format cannot hold ---------------------------------------------

    @Test
    void a_string_longer_than_65535_bytes_is_refused_by_the_encoder() {
        fixture.readerId = "r".repeat(65_536);

        assertThatThrownBy(fixture::encode)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bundle: readerId is 65536 UTF-8 bytes long, at most 65535 fit");
    }

    @Test
    void a_blank_key_id_is_refused_by_the_encoder() {
        fixture.keyId = " ";

        assertThatThrownBy(fixture::encode).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bundle: signing keyId must not be blank");
    }

    @Test
    void the_record_refuses_schedules_finer_than_a_minute() {
        fixture.rules.add(AccessRule.forUser("hq-main", "u-x", List.of(
                new WeeklyWindow(Set.of(DayOfWeek.MONDAY), LocalTime.of(7, 0, 30), LocalTime.of(8, 0)))));

        assertThatThrownBy(fixture::bundle).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bundle: a window of a rule of zone hq-main has time 07:00:30; the format stores whole minutes");
    }

    @Test
    void the_record_refuses_no_trusted_keys_duplicate_credentials_and_expiry_before_issue() {
        fixture.trustedKeys.clear();
        assertThatThrownBy(fixture::bundle).hasMessageContaining("expected 1..255 trusted keys, got 0");

        fixture.trustedKeys.add(new TrustedKey("k1", BundleFixture.SERVER_KEY.getPublic()));
        fixture.credentials.add(fixture.credentials.get(0));
        assertThatThrownBy(fixture::bundle).hasMessage("bundle: credential " + BundleFixture.ALICE + " appears twice");

        fixture.credentials.remove(3);
        fixture.expiresAt = fixture.issuedAt - 1;
        assertThatThrownBy(fixture::bundle).hasMessage("bundle: expiresAt 1767225599 is before issuedAt 1767225600");
    }

    // ---- Parse refuses, with the offset and the reason --------------------------------------------

    @Test
    void null_and_empty_input_are_refused() {
        assertThat(malformed(null).detail()).isEqualTo("no bytes (null)");
        BundleParseResult.Malformed empty = malformed(new byte[0]);
        assertThat(empty.truncated()).isTrue();
        assertThat(empty.detail()).isEqualTo("at byte 0: expected 4 bytes of magic, got 0 (the bundle of 0 bytes ends there)");
    }

    @Test
    void a_wrong_magic_is_malformed() {
        byte[] bytes = fixture.encode();
        bytes[3] = '4';

        BundleParseResult.Malformed result = malformed(bytes);

        assertThat(result.truncated()).isFalse();
        assertThat(result.detail()).isEqualTo("at byte 0: expected magic \"GHB3\" (47 48 42 33), \"GHB2\""
                + " (47 48 42 32) or \"GHB1\" (47 48 42 31), got 47 48 42 34");
    }

    @Test
    void input_over_64_mib_is_refused_before_it_is_read() {
        BundleParseResult.Malformed result = malformed(new byte[BundleCodec.MAX_BYTES + 1]);

        assertThat(result.truncated()).isFalse();
        assertThat(result.detail()).isEqualTo("bundle of 67108865 bytes is larger than the limit of 67108864");
    }

    @Test
    void bytes_after_the_signature_are_malformed() {
        byte[] bytes = Arrays.copyOf(fixture.encode(), fixture.encode().length + 1);

        assertThat(malformed(bytes).detail()).endsWith("expected the end of the bundle after the signature, got 1 more bytes");
    }

    @Test
    void a_huge_credential_count_in_a_short_input_is_truncated_without_allocating() {
        fixture.credentials.clear();
        fixture.revoked.clear();
        fixture.rules.clear();
        byte[] bytes = fixture.encode();
        // The credential count follows the trusted keys and the minting keys.
        int countAt = indexOfCredentialCount(bytes);
        ByteBuffer.wrap(bytes).putInt(countAt, 0xFFFF_FFFF);

        BundleParseResult.Malformed result = malformed(bytes);

        assertThat(result.truncated()).isTrue();
        assertThat(result.detail()).startsWith("at byte " + countAt + ": 4294967295 credentials need at least 107374182375 bytes");
    }

    @Test
    void field_values_outside_their_range_are_malformed_with_the_offset() {
        fixture.credentials.clear();
        fixture.revoked.clear();
        fixture.rules.clear();
        byte[] good = fixture.encode();
        int modeAt = indexOfTrustedKeyCount(good) - 1;
        int trustAt = modeAt - 1;
        int uvAt = modeAt - 2;

        byte[] bytes = good.clone();
        bytes[modeAt] = 2;
        assertThat(malformed(bytes).detail()).isEqualTo("at byte " + modeAt
                + ": offlineMode must be 0 (fail_secure) or 1 (fail_open), got 2");
        bytes = good.clone();
        bytes[trustAt] = 4;
        assertThat(malformed(bytes).detail()).isEqualTo("at byte " + trustAt
                + ": minimumTrust must be 0 (software), 1 (hardware), 2 (hardware+biometric) or 3 (synced), got 4");
        bytes = good.clone();
        bytes[uvAt] = 2;
        assertThat(malformed(bytes).detail()).isEqualTo("at byte " + uvAt + ": requireUserVerification must be 0 or 1, got 2");
    }

    @Test
    void a_version_with_the_top_bit_set_is_malformed() {
        byte[] bytes = fixture.encode();
        bytes[4] = (byte) 0x80;

        assertThat(malformed(bytes).detail()).isEqualTo("at byte 4: bundleVersion must be at most 2^63-1, got 9223372036854775815");
    }

    @Test
    void handcrafted_fields_are_checked_one_by_one() throws IOException {
        assertThat(malformed(handcrafted(w -> w.credentialFlags = 0x04)).detail())
                .contains("reserved flag bits set: 0x04");
        assertThat(malformed(handcrafted(w -> w.zone = "Mars/Olympus")).detail())
                .contains("siteTimeZone 'Mars/Olympus' is not a time zone id");
        assertThat(malformed(handcrafted(w -> w.userId = new byte[] {(byte) 0xC3, 0x28})).detail())
                .contains("userId is not valid UTF-8 (2 bytes)");
        assertThat(malformed(handcrafted(w -> w.spki = Arrays.copyOf(w.spki, 90))).detail())
                .contains("credential " + BundleFixture.ALICE + ": public key: expected an X.509 SubjectPublicKeyInfo");
        assertThat(malformed(handcrafted(w -> w.ruleKind = 2)).detail())
                .contains("rule 0: kind must be 0 (role) or 1 (user), got 2");
        assertThat(malformed(handcrafted(w -> w.days = 0x80)).detail())
                .contains("rule 0: days must be a non-zero bitmask of bits 0 (Monday) to 6 (Sunday), got 0x80");
        assertThat(malformed(handcrafted(w -> w.days = 0)).detail()).contains("got 0x00");
        assertThat(malformed(handcrafted(w -> w.fromMinute = 1440)).detail())
                .contains("fromMinute must be 0..1439 (minutes after midnight), got 1440");
        assertThat(malformed(handcrafted(w -> w.lifetime = 0)).detail())
                .contains("door: door door-1: proof lifetime must be at least 1 s, got 0");
        assertThat(malformed(handcrafted(w -> w.skew = 0x8000_0000L)).detail())
                .contains("allowedSkewSeconds must be at most 2147483647, got 2147483648");
        assertThat(malformed(handcrafted(w -> w.roles = List.of("a", "a"))).detail())
                .contains("lists a role twice");
        assertThat(malformed(handcrafted(w -> w.signingKeyId = "")).detail())
                .contains("signingKeyId must not be blank");
        assertThat(malformed(handcrafted(w -> w.duplicateCredential = true)).detail())
                .contains("appears twice");
        // And the unchanged hand-made bundle parses, so each failure above is the one change.
        assertThat(parsed(handcrafted(w -> { })).bundle().credentials()).hasSize(1);
    }

    // ---- Version 2: minting keys and credential kinds; version 1 still parsed -----------------------

    @Test
    void minting_keys_passkey_credentials_and_synced_trust_round_trip() {
        fixture.mintingKeys.add(new MintingKey(255, BundleFixture.OTHER_SERVER_KEY.getPublic()));
        fixture.credentials.add(CredentialView.passkey(BundleFixture.id("5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"), "u-eve",
                "dev-eve", true, true, DeviceTrust.SYNCED, Set.of()));

        ReaderBundle bundle = parsed(fixture.encode()).bundle();

        assertThat(bundle).isEqualTo(fixture.bundle());
        assertThat(bundle.mintingKeys()).extracting(MintingKey::keyId).containsExactly(BundleFixture.MINTING_KEY_ID, 255);
        assertThat(bundle.credentials()).filteredOn(c -> c.kind() == CredentialKind.PASSKEY).hasSize(2)
                .allSatisfy(c -> assertThat(c.deviceKey()).isEmpty());
    }

    @Test
    void a_bundle_may_publish_no_minting_key() {
        fixture.mintingKeys.clear();

        assertThat(parsed(fixture.encode()).bundle().mintingKeys()).isEmpty();
    }

    @Test
    void a_version_1_bundle_is_still_parsed_as_device_keys_without_minting_keys() throws IOException {
        ReaderBundle bundle = parsed(handcrafted(w -> { })).bundle();

        assertThat(bundle.mintingKeys()).isEmpty();
        assertThat(bundle.credentials()).singleElement().satisfies(credential -> {
            assertThat(credential.kind()).isEqualTo(CredentialKind.DEVICE_KEY);
            assertThat(credential.deviceKey()).contains(BundleFixture.DEVICE_KEY.getPublic());
            assertThat(credential.trust()).isEqualTo(DeviceTrust.HARDWARE);
        });
    }

    @Test
    void version_1_knows_no_synced_trust() throws IOException {
        assertThat(malformed(handcrafted(w -> w.trust = 3)).detail())
                .contains("trust must be 0 (software), 1 (hardware), 2 (hardware+biometric) in a GHB1 bundle, got 3");
        assertThat(parsed(handcrafted(w -> {
            w.version2 = true;
            w.trust = 3;
        })).bundle().credentials().get(0).trust()).isEqualTo(DeviceTrust.SYNCED);
    }

    @Test
    void version_2_fields_are_checked_one_by_one() throws IOException {
        assertThat(parsed(handcrafted(w -> w.version2 = true)).bundle().mintingKeys())
                .containsExactly(new MintingKey(1, BundleFixture.MINTING_KEY.getPublic()));
        assertThat(malformed(handcrafted(w -> {
            w.version2 = true;
            w.credentialKind = 2;
        })).detail()).contains("credential " + BundleFixture.ALICE + ": kind must be 0 (device key) or 1 (passkey), got 2");
        assertThat(malformed(handcrafted(w -> {
            w.version2 = true;
            w.credentialKind = 1;
        })).detail()).contains("credential " + BundleFixture.ALICE + ": a passkey credential has no key bytes, got 91");
        assertThat(parsed(handcrafted(w -> {
            w.version2 = true;
            w.credentialKind = 1;
            w.spki = new byte[0];
        })).bundle().credentials().get(0).kind()).isEqualTo(CredentialKind.PASSKEY);
        assertThat(malformed(handcrafted(w -> {
            w.version2 = true;
            w.mintingKeyIds = List.of(0);
        })).detail()).contains("minting key id must be in 1..255, got 0");
        assertThat(malformed(handcrafted(w -> {
            w.version2 = true;
            w.mintingKeyIds = List.of(4, 4);
        })).detail()).contains("minting key id 4 appears twice");
    }

    // ---- Version 3: visitor passes; version 2 still parsed ------------------------------------------

    @Test
    void passes_round_trip_after_the_rules() {
        fixture.passes.add(new BundlePass(digest(1), "vis-1", BundleFixture.ISSUED_AT, BundleFixture.ISSUED_AT + 3600,
                3, 1));
        fixture.passes.add(new BundlePass(digest(2), "vis-zweiter-€", 0, 1, Integer.MAX_VALUE, Integer.MAX_VALUE));

        ReaderBundle bundle = parsed(fixture.encode()).bundle();

        assertThat(bundle).isEqualTo(fixture.bundle());
        assertThat(bundle.passes()).extracting(BundlePass::visitorId).containsExactly("vis-1", "vis-zweiter-€");
    }

    @Test
    void a_version_2_bundle_is_still_parsed_without_passes() throws IOException {
        ReaderBundle bundle = parsed(handcrafted(w -> w.version2 = true)).bundle();

        assertThat(bundle.passes()).isEmpty();
        assertThat(bundle.mintingKeys()).hasSize(1);
    }

    @Test
    void version_3_fields_are_checked_one_by_one() throws IOException {
        assertThat(parsed(handcrafted(w -> w.version3 = true)).bundle().passes()).singleElement()
                .satisfies(pass -> assertThat(pass.entriesCounted()).isEqualTo(1));
        assertThat(malformed(handcrafted(w -> {
            w.version3 = true;
            w.passFlags = 0x01;
        })).detail()).contains("pass 0: pass vis-1: reserved flag bits set: 0x01");
        assertThat(malformed(handcrafted(w -> {
            w.version3 = true;
            w.passUntil = 100;
        })).detail()).contains("window 100..100 must start at 0 or later and end after it starts");
        assertThat(malformed(handcrafted(w -> {
            w.version3 = true;
            w.passMaxEntries = 0;
        })).detail()).contains("maxEntries must be 1 or more, got 0");
        assertThat(malformed(handcrafted(w -> {
            w.version3 = true;
            w.passCounted = 4;
        })).detail()).contains("entriesCounted must be 0..3, got 4");
        assertThat(malformed(handcrafted(w -> {
            w.version3 = true;
            w.passMaxEntries = 0x8000_0000L;
        })).detail()).contains("pass maxEntries must be at most 2147483647, got 2147483648");
        assertThat(malformed(handcrafted(w -> {
            w.version3 = true;
            w.passDigests = List.of(new byte[32], new byte[32]);
        })).detail()).contains("two passes have the handle digest " + "00".repeat(32));
        BundleParseResult.Malformed short_ = malformed(Arrays.copyOf(handcrafted(w -> w.version3 = true), 400));
        assertThat(short_.truncated()).isTrue();
    }

    @Test
    void a_huge_pass_count_in_a_short_input_is_truncated_without_allocating() throws IOException {
        byte[] bytes = handcrafted(w -> {
            w.version3 = true;
            w.passDigests = List.of();
        });
        int countAt = bytes.length - 64 - 4 - 4; // signature, "k1" as str, the pass count
        ByteBuffer.wrap(bytes).putInt(countAt, 0x7FFF_FFFF);

        BundleParseResult.Malformed result = malformed(bytes);

        assertThat(result.truncated()).isTrue();
        assertThat(result.detail()).startsWith("at byte " + countAt + ": 2147483647 passes need at least");
    }

    @Test
    void the_record_refuses_two_passes_of_one_visitor() {
        fixture.passes.add(new BundlePass(digest(1), "vis-1", 0, 10, 1, 0));
        fixture.passes.add(new BundlePass(digest(2), "vis-1", 0, 10, 1, 0));

        assertThatThrownBy(fixture::bundle).hasMessage("bundle: visitor vis-1 has two passes");
    }

    private static byte[] digest(int value) {
        byte[] digest = new byte[32];
        digest[31] = (byte) value;
        return digest;
    }

    @Test
    void the_record_refuses_duplicate_minting_key_ids() {
        fixture.mintingKeys.add(new MintingKey(BundleFixture.MINTING_KEY_ID, BundleFixture.OTHER_SERVER_KEY.getPublic()));

        assertThatThrownBy(fixture::bundle).hasMessage("bundle: minting key id 3 appears twice");
    }

    // ---- Helpers ----------------------------------------------------------------------------------

    private static int indexOfTrustedKeyCount(byte[] bytes) {
        // Header 28, reader id, door (3 strings, 4 + 4 + 3 bytes).
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(28);
        skipString(in);
        skipString(in);
        skipString(in);
        skipString(in);
        return in.position() + 11;
    }

    private static int indexOfCredentialCount(byte[] bytes) {
        // Then the trusted keys (id str, spki bytes) and the minting keys (id u8, spki bytes): walk them.
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(indexOfTrustedKeyCount(bytes));
        int keys = in.get() & 0xFF;
        for (int i = 0; i < keys; i++) {
            skipString(in);
            skipString(in);
        }
        int mintingKeys = in.get() & 0xFF;
        for (int i = 0; i < mintingKeys; i++) {
            in.get();
            skipString(in);
        }
        return in.position();
    }

    private static void skipString(ByteBuffer in) {
        int length = in.getShort() & 0xFFFF;
        in.position(in.position() + length);
    }

    /**
     * The fields of a one-credential, one-rule bundle, written by hand so that each can be made wrong: in the GHB1
     * layout unless {@code version2}, then with its minting keys and the credential's kind; {@code version3} adds a
     * pass.
     */
    static final class Handmade {
        boolean version2;
        boolean version3;
        List<byte[]> passDigests = List.of(new byte[32]);
        long passFrom = 100;
        long passUntil = 200;
        long passMaxEntries = 3;
        long passCounted = 1;
        int passFlags;
        int credentialKind = 0;
        int trust = 1;
        List<Integer> mintingKeyIds = List.of(1);
        String zone = "UTC";
        long lifetime = 30;
        long skew = 5;
        byte[] userId = "u-1".getBytes(StandardCharsets.UTF_8);
        byte[] spki = PublicKeys.toSpki(BundleFixture.DEVICE_KEY.getPublic());
        int credentialFlags = 3;
        List<String> roles = List.of("staff");
        boolean duplicateCredential;
        int ruleKind = 0;
        int days = 0x1F;
        int fromMinute = 420;
        String signingKeyId = "k1";
    }

    private static byte[] handcrafted(Consumer<Handmade> change) throws IOException {
        Handmade w = new Handmade();
        change.accept(w);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeBytes(w.version3 ? "GHB3" : w.version2 ? "GHB2" : "GHB1");
        out.writeLong(1);
        out.writeLong(100);
        out.writeLong(200);
        str(out, "r-1");
        str(out, "door-1");
        str(out, "zone-1");
        str(out, w.zone);
        out.writeInt((int) w.lifetime);
        out.writeInt((int) w.skew);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(1);
        str(out, "k1");
        bytes(out, PublicKeys.toSpki(BundleFixture.SERVER_KEY.getPublic()));
        if (w.version2 || w.version3) {
            out.writeByte(w.mintingKeyIds.size());
            for (int keyId : w.mintingKeyIds) {
                out.writeByte(keyId);
                bytes(out, PublicKeys.toSpki(BundleFixture.MINTING_KEY.getPublic()));
            }
        }
        out.writeInt(w.duplicateCredential ? 2 : 1);
        for (int i = 0; i < (w.duplicateCredential ? 2 : 1); i++) {
            out.write(BundleFixture.ALICE.bytes());
            bytes(out, w.userId);
            str(out, "dev-1");
            if (w.version2 || w.version3) {
                out.writeByte(w.credentialKind);
            }
            bytes(out, w.spki);
            out.writeByte(w.trust);
            out.writeByte(w.credentialFlags);
            out.writeByte(w.roles.size());
            for (String role : w.roles) {
                str(out, role);
            }
        }
        out.writeInt(1);
        out.write(new CredentialId(new byte[16]).bytes());
        out.writeInt(1);
        str(out, "zone-1");
        out.writeByte(w.ruleKind);
        str(out, "staff");
        out.writeByte(1);
        out.writeByte(w.days);
        out.writeShort(w.fromMinute);
        out.writeShort(1140);
        if (w.version3) {
            out.writeInt(w.passDigests.size());
            for (byte[] digest : w.passDigests) {
                out.write(digest);
                str(out, "vis-1");
                out.writeLong(w.passFrom);
                out.writeLong(w.passUntil);
                out.writeInt((int) w.passMaxEntries);
                out.writeInt((int) w.passCounted);
                out.writeByte(w.passFlags);
            }
        }
        str(out, w.signingKeyId);
        out.write(new byte[64]);
        return buffer.toByteArray();
    }

    private static void str(DataOutputStream out, String value) throws IOException {
        bytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeShort(value.length);
        out.write(value);
    }
}
