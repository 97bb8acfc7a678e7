package io.gatehouse.protocol.access;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a scanned access proof opens a door. The server runs it online and the door reader
 * offline (against its signed bundle); both run the same steps in the same order, so that a proof gets
 * the same answer either way.
 *
 * <p>The steps, numbered as in {@code docs/protocol.md}. Verification stops at the first failure and
 * reports exactly one {@link DenyReason}:
 * <ol>
 *   <li><b>Parse</b> the text ({@link AccessProofCodec#parse(String)}) →
 *       {@link DenyReason#MALFORMED malformed}.</li>
 *   <li><b>Known credential</b>: the directory has the proof's credential id →
 *       {@link DenyReason#UNKNOWN_CREDENTIAL unknown_credential}.</li>
 *   <li><b>Active</b>: the credential (and its device) is active → {@link DenyReason#REVOKED revoked};
 *       then the user is active → {@link DenyReason#SUSPENDED suspended}.</li>
 *   <li><b>Signature</b>: the proof's type is the one of the credential's kind
 *       ({@link CredentialKind#proofType()}: device-signed for a device-key credential, minted for a
 *       passkey credential) → {@link DenyReason#WRONG_PROOF_TYPE wrong_proof_type}; for a minted proof,
 *       the minting key id it names is published ({@link AccessContext#mintingKeys()}) →
 *       {@link DenyReason#UNKNOWN_MINTING_KEY unknown_minting_key}; then the signature verifies over the
 *       domain label and the body with that key (device-signed: the credential's device key) →
 *       {@link DenyReason#BAD_SIGNATURE bad_signature}.</li>
 *   <li><b>Freshness</b>, with the door's proof lifetime L and allowed skew S:
 *       {@code issuedAt > now + S} → {@link DenyReason#NOT_YET_VALID not_yet_valid};
 *       {@code now - issuedAt > L + S} → {@link DenyReason#EXPIRED expired}.</li>
 *   <li><b>Single use</b>: the pair (credential id, nonce) is recorded for the first time →
 *       {@link DenyReason#REPLAYED replayed}.</li>
 *   <li><b>Door policy</b>, in this order: a rule of the door's zone grants the user, by user id or by
 *       one of the user's roles → {@link DenyReason#NOT_PERMITTED not_permitted}; the schedule of such a
 *       rule contains the local time in the door's site time zone →
 *       {@link DenyReason#OUTSIDE_SCHEDULE outside_schedule}; if the door requires user verification,
 *       the proof carries the UV flag → {@link DenyReason#USER_VERIFICATION_REQUIRED
 *       user_verification_required}; the device trust is at least the door's minimum →
 *       {@link DenyReason#DEVICE_TRUST_TOO_LOW device_trust_too_low}.</li>
 *   <li><b>Grant.</b></li>
 * </ol>
 *
 * <p>Why this order: the cheap, key-independent checks come first; nothing the proof claims (its time,
 * its flags) is believed before the signature has been checked in step 4 (its type is checked just
 * before the signature, and only ever to refuse: it decides which key may vouch for it; a minted proof's key id
 * only chooses the key, whose signature then covers that id too); and the nonce is spent in
 * step 6 only for a proof that is authentic and fresh, so forged or stale proofs cannot fill the
 * replay store. A proof denied by policy in step 7 has still been spent: showing it again gives
 * {@code replayed}.
 *
 * <p>Failures of the lookups (an exception from the directory, the replay guard or the rule source)
 * propagate; the caller must treat them as a denial (fail closed). Stateless and thread-safe.
 */
public final class AccessVerifier {

    /** Checks one proof signature: step 4's cryptography, replaceable so that a caller can run it early. */
    @FunctionalInterface
    public interface SignatureCheck {
        /**
         * @return whether {@code signature} (P1363) verifies over {@code payload} with {@code key}
         * @throws GeneralSecurityException when the signature or key cannot be used
         */
        boolean verify(PublicKey key, byte[] payload, byte[] signature) throws GeneralSecurityException;
    }

    /** The JCA check: ECDSA P-256 with SHA-256 over the payload. */
    public static final SignatureCheck JCA = (key, payload, signature) -> {
        Signature verifier = Signature.getInstance(ProofSigner.ALGORITHM);
        verifier.initVerify(key);
        verifier.update(payload);
        return verifier.verify(signature);
    };

    private final SignatureCheck signatures;

    /**
     * Creates a verifier.
     */
    public AccessVerifier() {
        this(JCA);
    }

    /**
     * Creates a verifier whose step 4 asks {@code signatures}. The server passes a check that answers from a
     * verification it did before opening its transaction, so that the CPU-heavy part of a decision does not run
     * under the database's write lock; it must give the same answer as {@link #JCA}.
     *
     * @param signatures the signature check; not null
     */
    public AccessVerifier(SignatureCheck signatures) {
        this.signatures = Objects.requireNonNull(signatures, "signatures");
    }

    /**
     * Runs steps 1 to 8 on a scanned text.
     *
     * @param scannedText the text the scanner returned; may be null (gives {@code malformed})
     * @param context the door, the time and the lookups; not null
     * @return the decision, never null
     * @throws NullPointerException if {@code context} is null
     * @throws RuntimeException whatever a lookup in {@code context} throws
     */
    public Decision decide(String scannedText, AccessContext context) {
        Objects.requireNonNull(context, "context");
        return decide(AccessProofCodec.parse(scannedText), context);
    }

    /**
     * Runs steps 1 to 8 on a text already parsed by {@link AccessProofCodec#parse(String)}: for a caller that needs
     * the proof before deciding (the server verifies its signature before opening its transaction) and should not
     * parse it twice. The answer is the one {@link #decide(String, AccessContext)} gives for the same text.
     *
     * @param parseResult the result of parsing the scanned text; not null
     * @param context the door, the time and the lookups; not null
     * @return the decision, never null
     * @throws NullPointerException if {@code parseResult} or {@code context} is null
     * @throws RuntimeException whatever a lookup in {@code context} throws
     */
    public Decision decide(ParseResult parseResult, AccessContext context) {
        Objects.requireNonNull(parseResult, "parseResult");
        Objects.requireNonNull(context, "context");

        // Step 1: parse (the parse result says whether the text was a well-formed proof).
        AccessProof proof;
        switch (parseResult) {
            case ParseResult.Malformed malformed -> {
                return Decision.deny(DenyReason.MALFORMED, malformed.detail(), Optional.empty(), Optional.empty());
            }
            case ParseResult.Parsed parsed -> proof = parsed.proof();
        }
        Optional<AccessProof> parsedProof = Optional.of(proof);

        // Step 2: known credential.
        Optional<CredentialView> found = context.credentials().find(proof.credentialId());
        if (found.isEmpty()) {
            return Decision.deny(DenyReason.UNKNOWN_CREDENTIAL,
                    "no credential with id " + proof.credentialId() + " is enrolled", parsedProof, Optional.empty());
        }
        CredentialView credential = found.get();
        if (!credential.id().equals(proof.credentialId())) {
            throw new IllegalStateException("credential directory returned credential " + credential.id()
                    + " when asked for " + proof.credentialId());
        }

        // Step 3: credential, device and user active.
        Optional<Decision> denial = checkActive(credential, parsedProof);
        if (denial.isPresent()) {
            return denial.get();
        }

        // Step 4: signature.
        denial = checkSignature(proof, credential, context.mintingKeys());
        if (denial.isPresent()) {
            return denial.get();
        }

        // Step 5: freshness.
        denial = checkFreshness(proof, credential, context);
        if (denial.isPresent()) {
            return denial.get();
        }

        // Step 6: single use.
        DoorSettings door = context.door();
        long expiresAt = proof.issuedAtEpochSecond() + door.proofLifetimeSeconds() + door.allowedSkewSeconds() + 1;
        if (!context.replay().firstUse(proof.credentialId(), proof.nonce(), expiresAt)) {
            return Decision.deny(DenyReason.REPLAYED, "nonce " + Long.toHexString(proof.nonce())
                    + " of credential " + proof.credentialId() + " was presented before",
                    parsedProof, found);
        }

        // Step 7: door policy. Step 8: grant.
        return decideByPolicy(proof, credential, context);
    }

    // ---- Steps ------------------------------------------------------------------------------------

    /** Step 3. */
    private static Optional<Decision> checkActive(CredentialView credential, Optional<AccessProof> proof) {
        if (!credential.credentialActive()) {
            return Optional.of(Decision.deny(DenyReason.REVOKED, "credential " + credential.id() + " on device "
                    + credential.deviceId() + " is revoked", proof, Optional.of(credential)));
        }
        if (!credential.userActive()) {
            return Optional.of(Decision.deny(DenyReason.SUSPENDED, "user " + credential.userId() + " is suspended",
                    proof, Optional.of(credential)));
        }
        return Optional.empty();
    }

    /** Step 4. */
    private Optional<Decision> checkSignature(AccessProof proof, CredentialView credential,
            MintingKeyDirectory mintingKeys) {
        // The type byte says who signed; each kind of credential has exactly one kind of signer.
        if (!credential.accepts(proof.type())) {
            return Optional.of(deny(DenyReason.WRONG_PROOF_TYPE, "credential " + credential.id() + " is a "
                    + credential.kind().code() + " credential and accepts " + describe(credential.kind().proofType())
                    + " proofs (type " + credential.kind().proofType().code() + "), the proof is "
                    + describe(proof.type()) + " (type " + proof.type().code() + ")", proof, credential));
        }
        PublicKey key;
        String keyName;
        if (proof.type() == ProofType.SERVER_MINTED) {
            Optional<MintingKey> minting = mintingKeys.find(proof.mintingKeyId());
            if (minting.isEmpty()) {
                return Optional.of(deny(DenyReason.UNKNOWN_MINTING_KEY, "the proof names minting key "
                        + proof.mintingKeyId() + ", which is not published (or was retired)", proof, credential));
            }
            key = minting.get().publicKey();
            keyName = "minting key " + proof.mintingKeyId();
        } else {
            key = credential.deviceKey().orElseThrow(); // a device-key credential always has one
            keyName = "the public key of credential " + credential.id();
        }
        String problem;
        try {
            if (signatures.verify(key, proof.signaturePayload(), proof.signature())) {
                return Optional.empty();
            }
            problem = "the signature does not verify with " + keyName;
        } catch (GeneralSecurityException e) {
            // A signature with r or s out of range, or a stored key that is not an EC key.
            problem = "the signature could not be checked with " + keyName + ": " + e.getMessage();
        }
        return Optional.of(deny(DenyReason.BAD_SIGNATURE, problem, proof, credential));
    }

    private static Decision deny(DenyReason reason, String detail, AccessProof proof, CredentialView credential) {
        return Decision.deny(reason, detail, Optional.of(proof), Optional.of(credential));
    }

    private static String describe(ProofType type) {
        return type == ProofType.SERVER_MINTED ? "minted" : "device-signed";
    }

    /** Step 5. The arithmetic is exact: issued-at is below 2^32 and now below 2^38. */
    private static Optional<Decision> checkFreshness(AccessProof proof, CredentialView credential,
            AccessContext context) {
        long now = context.nowEpochSecond();
        long issuedAt = proof.issuedAtEpochSecond();
        int lifetime = context.door().proofLifetimeSeconds();
        int skew = context.door().allowedSkewSeconds();
        if (issuedAt > now + skew) {
            return Optional.of(Decision.deny(DenyReason.NOT_YET_VALID, "proof issued at " + issuedAt + " is "
                    + (issuedAt - now) + " s ahead of now (" + now + "); expected at most the allowed skew of "
                    + skew + " s", Optional.of(proof), Optional.of(credential)));
        }
        if (now - issuedAt > (long) lifetime + skew) {
            return Optional.of(Decision.deny(DenyReason.EXPIRED, "proof issued at " + issuedAt + " is "
                    + (now - issuedAt) + " s old at " + now + "; expected at most lifetime " + lifetime
                    + " s + skew " + skew + " s = " + ((long) lifetime + skew) + " s",
                    Optional.of(proof), Optional.of(credential)));
        }
        return Optional.empty();
    }

    /** Step 7, then step 8. */
    private static Decision decideByPolicy(AccessProof proof, CredentialView credential, AccessContext context) {
        DoorSettings door = context.door();
        Optional<AccessProof> parsedProof = Optional.of(proof);
        Optional<CredentialView> found = Optional.of(credential);

        List<AccessRule> granting = context.rules().rulesForZone(door.zoneId()).stream()
                .filter(rule -> rule.zoneId().equals(door.zoneId()))
                .filter(rule -> rule.grants(credential))
                .toList();
        if (granting.isEmpty()) {
            return Decision.deny(DenyReason.NOT_PERMITTED, "no rule of zone " + door.zoneId() + " grants user "
                    + credential.userId() + " or any of the roles " + credential.roles(), parsedProof, found);
        }

        ZonedDateTime local = Instant.ofEpochSecond(context.nowEpochSecond()).atZone(door.siteTimeZone());
        DayOfWeek day = local.getDayOfWeek();
        LocalTime time = local.toLocalTime();
        Optional<AccessRule> inSchedule = granting.stream()
                .filter(rule -> rule.schedule().isEmpty()
                        || rule.schedule().stream().anyMatch(window -> window.contains(day, time)))
                .findFirst();
        if (inSchedule.isEmpty()) {
            return Decision.deny(DenyReason.OUTSIDE_SCHEDULE, granting.size() + " rule(s) of zone " + door.zoneId()
                    + " grant user " + credential.userId() + ", but none at " + day + " " + time + " "
                    + door.siteTimeZone(), parsedProof, found);
        }

        if (door.requireUserVerification() && !proof.userVerified()) {
            return Decision.deny(DenyReason.USER_VERIFICATION_REQUIRED, "door " + door.doorId()
                    + " requires user verification; expected the UV flag, the proof does not carry it",
                    parsedProof, found);
        }

        if (!credential.trust().isAtLeast(door.minimumTrust())) {
            return Decision.deny(DenyReason.DEVICE_TRUST_TOO_LOW, "door " + door.doorId() + " requires device trust "
                    + door.minimumTrust().code() + " or stronger, device " + credential.deviceId() + " has "
                    + credential.trust().code(), parsedProof, found);
        }

        AccessRule rule = inSchedule.get();
        String grantedBy = rule.userId().map(user -> "user " + user).orElseGet(() -> "role " + rule.role().orElseThrow());
        return Decision.grant(proof, credential, "granted at door " + door.doorId() + " by the rule for "
                + grantedBy + " in zone " + door.zoneId());
    }
}
