package io.gatehouse.protocol.access;

import java.security.PublicKey;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A door, a directory holding one credential (the test vector key, or a passkey credential), the
 * published minting key of the vectors, an in-memory replay store and a rule set, with every setting a
 * test may change. Defaults grant the credential: role staff is allowed
 * in zone hq-main at any time, the device is hardware+biometric and the proof carries UV.
 */
final class VerifierFixture {

    static final CredentialId ID = new CredentialId(HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
    /** 2026-01-01T00:00:00Z, a Thursday (01:00 in Europe/Berlin). */
    static final long ISSUED_AT = 1_767_225_600L;
    static final long NOW = ISSUED_AT + 10;

    /** The key id of {@link TestVectors#MINTING_KEY_PAIR}, as the vectors publish it. */
    static final int MINTING_KEY_ID = 7;

    final ProofSigner signer = new ProofSigner(TestVectors.KEY_PAIR.getPrivate());
    final ProofSigner minter = new ProofSigner(TestVectors.MINTING_KEY_PAIR.getPrivate());
    final AccessVerifier verifier = new AccessVerifier();

    // The credential.
    PublicKey publicKey = TestVectors.KEY_PAIR.getPublic();
    boolean credentialActive = true;
    boolean userActive = true;
    DeviceTrust trust = DeviceTrust.HARDWARE_BIOMETRIC;
    Set<String> roles = Set.of("staff");
    String userId = "u-1001";
    CredentialKind kind = CredentialKind.DEVICE_KEY;
    List<MintingKey> mintingKeys = new ArrayList<>(List.of(
            new MintingKey(MINTING_KEY_ID, TestVectors.MINTING_KEY_PAIR.getPublic())));

    // The door.
    String zoneId = "hq-main";
    ZoneId siteTimeZone = ZoneId.of("Europe/Berlin");
    int lifetime = 30;
    int skew = 5;
    boolean requireUv = true;
    DeviceTrust minimumTrust = DeviceTrust.HARDWARE;
    long now = NOW;
    List<AccessRule> rules = new ArrayList<>(List.of(AccessRule.forRole("hq-main", "staff", List.of())));

    // What the lookups saw.
    int directoryLookups;
    int ruleLookups;
    final RecordingReplayGuard replay = new RecordingReplayGuard();

    /** A valid proof: signed by the credential's key, issued at {@link #ISSUED_AT}, with UV. */
    AccessProof proof(long nonce) {
        return signer.sign(ProofType.DEVICE_SIGNED, ID, ISSUED_AT, nonce, true);
    }

    AccessProof proof(long issuedAt, long nonce, boolean userVerified) {
        return signer.sign(ProofType.DEVICE_SIGNED, ID, issuedAt, nonce, userVerified);
    }

    /** A valid minted proof: signed by the published minting key, issued at {@link #ISSUED_AT}, with UV. */
    AccessProof minted(long nonce) {
        return minter.mint(MINTING_KEY_ID, ID, ISSUED_AT, nonce, true);
    }

    /** The fixture's credential as a passkey credential, which accepts minted proofs only. */
    VerifierFixture passkey() {
        kind = CredentialKind.PASSKEY;
        return this;
    }

    CredentialView credential() {
        return kind == CredentialKind.PASSKEY
                ? CredentialView.passkey(ID, userId, "d-2001", credentialActive, userActive, trust, roles)
                : new CredentialView(ID, userId, "d-2001", publicKey, credentialActive, userActive, trust, roles);
    }

    DoorSettings door() {
        return new DoorSettings("door-lobby", zoneId, siteTimeZone, lifetime, skew, requireUv, minimumTrust);
    }

    AccessContext context() {
        CredentialView credential = credential();
        CredentialDirectory directory = id -> {
            directoryLookups++;
            return id.equals(ID) ? Optional.of(credential) : Optional.empty();
        };
        RuleSource ruleSource = zone -> {
            ruleLookups++;
            return List.copyOf(rules);
        };
        return new AccessContext(door(), now, directory, replay, ruleSource, MintingKeyDirectory.of(mintingKeys));
    }

    Decision decide(String text) {
        return verifier.decide(text, context());
    }

    Decision decide(AccessProof proof) {
        return decide(proof.toText());
    }

    /** A replay store in memory that also records how it was asked. */
    static final class RecordingReplayGuard implements ReplayGuard {

        final Set<String> seen = new HashSet<>();
        final List<Long> expiries = new ArrayList<>();

        @Override
        public synchronized boolean firstUse(CredentialId id, long nonce, long expiresAtEpochSecond) {
            expiries.add(expiresAtEpochSecond);
            return seen.add(id + "/" + nonce);
        }
    }
}
