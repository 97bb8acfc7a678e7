package io.gatehouse.protocol.bundle;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.WeeklyWindow;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A small bundle with one of everything (an active, a revoked and a suspended credential, a passkey
 * credential, a role rule with a schedule, a user rule, a minting key), signed by server key "k1", for reader "r-lobby". Tests change fields
 * and call {@link #bundle()} / {@link #encode()}.
 */
final class BundleFixture {

    static final SecureRandom RANDOM = new SecureRandom();
    static final KeyPair SERVER_KEY = PublicKeys.generateP256(RANDOM);
    static final KeyPair OTHER_SERVER_KEY = PublicKeys.generateP256(RANDOM);
    static final KeyPair DEVICE_KEY = PublicKeys.generateP256(RANDOM);
    static final KeyPair MINTING_KEY = PublicKeys.generateP256(RANDOM);
    static final int MINTING_KEY_ID = 3;

    static final CredentialId ALICE = id("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
    static final CredentialId BOB = id("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0");
    static final CredentialId CAROL = id("c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4");
    static final CredentialId GONE = id("d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0");
    /** A passkey credential of the web wallet (a device-bound passkey with a verified attestation). */
    static final CredentialId DAVE = id("da7eda7eda7eda7eda7eda7eda7eda7e");
    /** 2026-01-01T00:00:00Z. */
    static final long ISSUED_AT = 1_767_225_600L;

    long version = 7;
    long issuedAt = ISSUED_AT;
    long expiresAt = ISSUED_AT + 86_400;
    String readerId = "r-lobby";
    String keyId = "k1";
    KeyPair signingKey = SERVER_KEY;
    OfflineMode offlineMode = OfflineMode.FAIL_SECURE;
    List<TrustedKey> trustedKeys = new ArrayList<>(List.of(new TrustedKey("k1", SERVER_KEY.getPublic())));
    List<CredentialView> credentials = new ArrayList<>(List.of(
            credential(ALICE, "u-alice", true, true, Set.of("staff", "ops")),
            credential(BOB, "u-bob", true, true, Set.of("staff")),
            credential(CAROL, "u-carol", true, false, Set.of("staff")),
            CredentialView.passkey(DAVE, "u-dave", "dev-u-dave", true, true, DeviceTrust.HARDWARE_BIOMETRIC,
                    Set.of("staff"))));
    List<CredentialId> revoked = new ArrayList<>(List.of(BOB, GONE));
    List<MintingKey> mintingKeys = new ArrayList<>(List.of(new MintingKey(MINTING_KEY_ID, MINTING_KEY.getPublic())));
    List<AccessRule> rules = new ArrayList<>(List.of(
            AccessRule.forRole("hq-main", "staff", List.of(new WeeklyWindow(
                    EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(7, 0), LocalTime.of(19, 30)))),
            AccessRule.forUser("hq-main", "u-alice", List.of()),
            AccessRule.forRole("vault", "ops", List.of(new WeeklyWindow(
                    EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(22, 0), LocalTime.of(6, 0))))));

    static CredentialId id(String hex) {
        return new CredentialId(HexFormat.of().parseHex(hex));
    }

    static CredentialView credential(CredentialId id, String userId, boolean active, boolean userActive,
            Set<String> roles) {
        return new CredentialView(id, userId, "dev-" + userId, DEVICE_KEY.getPublic(), active, userActive,
                DeviceTrust.HARDWARE, roles);
    }

    static DoorSettings door() {
        return new DoorSettings("door-lobby", "hq-main", ZoneId.of("Europe/Berlin"), 30, 5, true, DeviceTrust.HARDWARE);
    }

    static List<TrustedKey> pins() {
        return List.of(new TrustedKey("k1", SERVER_KEY.getPublic()));
    }

    List<BundlePass> passes = new ArrayList<>();

    ReaderBundle bundle() {
        return new ReaderBundle(version, issuedAt, expiresAt, readerId, door(), offlineMode, trustedKeys, credentials,
                revoked, rules, mintingKeys, passes);
    }

    byte[] encode() {
        return BundleCodec.encode(bundle(), keyId, signingKey.getPrivate());
    }
}
