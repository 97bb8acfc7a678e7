package io.gatehouse.server.passkey;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialRequestOptions;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The two WebAuthn ceremonies of passkey devices. Yubico's relying party does the cryptography and the checks the
 * WebAuthn specification lists (origin, relying-party id hash, challenge, signature, attestation); the steps here add
 * Gatehouse's policy around them, each with one reason: single-use server challenges that expire, user
 * verification at every ceremony, an active device, and a signature counter that only moves forward.
 */
public final class PasskeyService {
    /** The subject of a discoverable assertion's challenge; never a credential id, which is base64url. */
    private static final String ANY_PASSKEY = "*";

    private final Database database;
    private final AuditLog audit;
    private final PasskeyDevices devices;
    private final PasskeyRelyingParty relyingParty;
    private final AttestationTrust attestationTrust;
    private final PasskeyStore store = new PasskeyStore();
    private final Challenges challenges = new Challenges();
    private final PasskeyCredentials credentials;
    private final Clock clock;
    private final SecureRandom random;

    public PasskeyService(Database database, AuditLog audit, PasskeyDevices devices, PasskeyRelyingParty relyingParty,
            Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.devices = devices;
        this.relyingParty = relyingParty;
        this.attestationTrust = new AttestationTrust(relyingParty.trustRoots());
        this.credentials = new PasskeyCredentials(database, store);
        this.clock = clock;
        this.random = random;
    }

    // ----- registration -----

    /**
     * Options to create a passkey through a device enrollment link: user verification and a resident key required,
     * only the allowed algorithms, over a fresh challenge that lives {@link Challenges#LIFETIME}.
     */
    public Ceremonies.Options registrationOptions(String enrollmentToken) {
        RelyingParty rp = relyingParty.get(credentials);
        PasskeyDevices.Enrollment enrollment = database.read(tx -> devices.pendingEnrollment(tx, enrollmentToken));
        PublicKeyCredentialCreationOptions options = rp.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder().name(enrollment.username()).displayName(enrollment.username())
                        .id(PasskeyCredentials.userHandle(enrollment.userId())).build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.REQUIRED)
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .timeout(Challenges.LIFETIME.toMillis()).build());
        String ceremonyId = Ids.newId(random, "pkc");
        long now = clock.millis();
        database.inTransaction(tx -> {
            challenges.put(tx, ceremonyId, Challenges.Ceremony.REGISTRATION, linkHash(enrollmentToken),
                    write(options), now);
            return null;
        });
        return new Ceremonies.Options(ceremonyId, publicKeyMember(creationJson(options)),
                Instant.ofEpochMilli(now + Challenges.LIFETIME.toMillis()).toString());
    }

    /**
     * Finishes a registration: 1 the ceremony is known and its challenge not yet used, 2 it was issued for this
     * enrollment link, 3 it has not expired, 4 the answer is a WebAuthn credential, 5 the authenticator verified the
     * user, 6 Yubico's checks pass (type, challenge, origin, relying-party id hash, user presence, an algorithm that
     * was offered, the attestation signature, a credential id not yet registered), 7 the key is discoverable (a
     * resident key) when the browser says; then the trust level is decided from the attestation and the passkey
     * becomes a device, ending the link.
     */
    public Ceremonies.Registered finishRegistration(String enrollmentToken, Ceremonies.Answer answer,
            ClientInfo client) {
        RelyingParty rp = relyingParty.get(credentials);
        Challenges.Taken taken = take(answer.ceremonyId(), Challenges.Ceremony.REGISTRATION);
        String userId = database.read(tx -> devices.pendingEnrollment(tx, enrollmentToken)).userId();
        if (!MessageDigest.isEqual(taken.subject().getBytes(StandardCharsets.US_ASCII),
                linkHash(enrollmentToken).getBytes(StandardCharsets.US_ASCII))) {
            throw GatehouseException.forbidden("ceremony_mismatch", "this registration was started through another"
                    + " enrollment link");
        }
        requireUnexpired(taken);
        PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> credential;
        try {
            credential = PublicKeyCredential.parseRegistrationResponseJson(Json.write(answer.credential()));
        } catch (IOException | RuntimeException e) {
            throw GatehouseException.invalid("invalid_credential", "field 'credential' must be a PublicKeyCredential"
                    + " from navigator.credentials.create in WebAuthn's JSON form");
        }
        if (!credential.getResponse().getParsedAuthenticatorData().getFlags().UV) {
            throw userVerificationMissing();
        }
        RegistrationResult result;
        try {
            result = rp.finishRegistration(FinishRegistrationOptions.builder()
                    .request(PublicKeyCredentialCreationOptions.fromJson(taken.requestJson())).response(credential)
                    .build());
        } catch (RegistrationFailedException e) {
            throw GatehouseException.unprocessable("registration_refused", "the passkey was not accepted: "
                    + e.getMessage());
        } catch (JsonProcessingException e) {
            throw GatehouseException.corrupt("passkey registration request " + answer.ceremonyId(), e);
        }
        if (result.isDiscoverable().filter(discoverable -> !discoverable).isPresent()) {
            throw GatehouseException.unprocessable("not_discoverable", "the authenticator made a credential it does not"
                    + " keep (no resident key); Gatehouse needs a passkey");
        }
        TrustDecision trust = attestationTrust.decide(result);
        String credentialId = result.getKeyId().getId().getBase64Url();
        AuthenticatorAttestationResponse response = credential.getResponse();
        String format = response.getAttestation().getFormat();
        String aaguid = aaguid(result.getAaguid());
        List<String> transports = response.getTransports().stream().map(AuthenticatorTransport::getId).toList();
        return database.decide(tx -> {
            String deviceId = devices.create(tx, enrollmentToken, new PasskeyDevices.NewDevice(userId, credentialId,
                    trust), client);
            store.insert(tx, new StoredPasskey(credentialId, deviceId, userId,
                    PasskeyCredentials.userHandle(userId).getBytes(), result.getPublicKeyCose().getBytes(),
                    result.getSignatureCount(), aaguid, format, response.getAttestationObject().getBytes(),
                    transports, result.isBackupEligible(), result.isBackedUp(), trust, Optional.empty()),
                    clock.millis());
            return new Ceremonies.Registered(deviceId, credentialId, trust.level().code(), trust.reason(),
                    result.isBackupEligible(), result.isBackedUp(), aaguid, format);
        });
    }

    // ----- assertion -----

    /**
     * Options to sign with one device's passkey: 1 the device is a passkey, 2 it is active, 3 it is not flagged as
     * possibly cloned; over a fresh single-use challenge, user verification required.
     */
    public Ceremonies.Options assertionOptions(String deviceId) {
        RelyingParty rp = relyingParty.get(credentials);
        StoredPasskey passkey = database.read(tx -> {
            StoredPasskey found = store.findByDevice(tx, deviceId).orElseThrow(() -> GatehouseException.notFound(
                    "passkey_not_found", "no passkey device with id '" + deviceId + "'"));
            requireUsable(tx, found);
            return found;
        });
        byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        AssertionRequest request = AssertionRequest.builder().publicKeyCredentialRequestOptions(
                PublicKeyCredentialRequestOptions.builder().challenge(new ByteArray(challenge))
                        .timeout(Challenges.LIFETIME.toMillis()).rpId(rp.getIdentity().getId())
                        .allowCredentials(List.of(PasskeyCredentials.descriptor(passkey)))
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .userHandle(new ByteArray(passkey.userHandle())).build();
        String ceremonyId = Ids.newId(random, "pkc");
        long now = clock.millis();
        database.inTransaction(tx -> {
            challenges.put(tx, ceremonyId, Challenges.Ceremony.ASSERTION, passkey.credentialId(), write(request), now);
            return null;
        });
        return new Ceremonies.Options(ceremonyId, publicKeyMember(requestJson(request)),
                Instant.ofEpochMilli(now + Challenges.LIFETIME.toMillis()).toString());
    }

    /**
     * Options to sign with whichever of this relying party's passkeys the phone holds (a discoverable credential:
     * the person picks nothing, names nobody); over a fresh single-use challenge, user verification required. The
     * assertion's user handle and credential id then say whose passkey signed.
     */
    public Ceremonies.Options discoverableAssertionOptions() {
        RelyingParty rp = relyingParty.get(credentials);
        byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        AssertionRequest request = AssertionRequest.builder().publicKeyCredentialRequestOptions(
                PublicKeyCredentialRequestOptions.builder().challenge(new ByteArray(challenge))
                        .timeout(Challenges.LIFETIME.toMillis()).rpId(rp.getIdentity().getId())
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .build();
        String ceremonyId = Ids.newId(random, "pkc");
        long now = clock.millis();
        database.inTransaction(tx -> {
            challenges.put(tx, ceremonyId, Challenges.Ceremony.ASSERTION, ANY_PASSKEY, write(request), now);
            return null;
        });
        return new Ceremonies.Options(ceremonyId, publicKeyMember(requestJson(request)),
                Instant.ofEpochMilli(now + Challenges.LIFETIME.toMillis()).toString());
    }

    /**
     * Verifies an assertion: 1 the ceremony is known and its challenge not yet used, 2 it has not expired, 3 the
     * answer is a WebAuthn assertion, 4 from the credential the ceremony was for (any registered one when it was
     * discoverable; Yubico then checks that the user handle is that credential's), 5 whose device is active and 6 not
     * flagged as possibly cloned, 7 the authenticator verified the user, 8 Yubico's checks pass (type, challenge,
     * origin, relying-party id hash, user presence, signature), 9 the signature counter moved forward (a counter that
     * did not means a copy of the key exists: the passkey is flagged, audited and refused from then on). A change of
     * the backed-up flag is recorded.
     */
    public Ceremonies.Verified finishAssertion(Ceremonies.Answer answer, ClientInfo client) {
        RelyingParty rp = relyingParty.get(credentials);
        Challenges.Taken taken = take(answer.ceremonyId(), Challenges.Ceremony.ASSERTION);
        requireUnexpired(taken);
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> credential;
        try {
            credential = PublicKeyCredential.parseAssertionResponseJson(Json.write(answer.credential()));
        } catch (IOException | RuntimeException e) {
            throw GatehouseException.invalid("invalid_credential", "field 'credential' must be a PublicKeyCredential"
                    + " from navigator.credentials.get in WebAuthn's JSON form");
        }
        String credentialId = credential.getId().getBase64Url();
        if (!ANY_PASSKEY.equals(taken.subject()) && !MessageDigest.isEqual(
                credentialId.getBytes(StandardCharsets.US_ASCII), taken.subject().getBytes(StandardCharsets.US_ASCII))) {
            throw GatehouseException.forbidden("credential_not_allowed", "this assertion was asked of another"
                    + " passkey");
        }
        StoredPasskey passkey = database.read(tx -> {
            StoredPasskey found = store.find(tx, credentialId).orElseThrow(() -> GatehouseException.notFound(
                    "passkey_not_found", "no passkey with this credential id"));
            requireUsable(tx, found);
            return found;
        });
        if (!credential.getResponse().getParsedAuthenticatorData().getFlags().UV) {
            throw userVerificationMissing();
        }
        AssertionResult result;
        try {
            result = rp.finishAssertion(FinishAssertionOptions.builder()
                    .request(AssertionRequest.fromJson(taken.requestJson())).response(credential).build());
        } catch (AssertionFailedException e) {
            throw GatehouseException.unprocessable("assertion_refused", "the passkey's signature was not accepted: "
                    + e.getMessage());
        } catch (JsonProcessingException e) {
            throw GatehouseException.corrupt("passkey assertion request " + answer.ceremonyId(), e);
        }
        long counter = result.getSignatureCount();
        boolean counting = counter != 0 || passkey.signatureCount() != 0;
        if (counting && counter <= passkey.signatureCount()) {
            database.inTransaction(tx -> {
                store.flagPossiblyCloned(tx, credentialId, clock.millis());
                audit.append(tx, AuditEvent.of("device:" + passkey.deviceId(), "passkey.clone_suspected", client)
                        .user(passkey.userId()).subject("device:" + passkey.deviceId())
                        .reason("signature_counter_regressed").detail("storedCounter", passkey.signatureCount())
                        .detail("presentedCounter", counter).result("denied"));
                return null;
            });
            throw possiblyCloned();
        }
        boolean backedUpChanged = result.isBackedUp() != passkey.backedUp();
        database.decide(tx -> {
            store.recordUse(tx, credentialId, counter, result.isBackedUp(), backedUpChanged, clock.millis());
            if (backedUpChanged) {
                audit.append(tx, AuditEvent.of("device:" + passkey.deviceId(), "passkey.backup_state", client)
                        .user(passkey.userId()).subject("device:" + passkey.deviceId())
                        .detail("backedUp", result.isBackedUp()).success());
            }
            return null;
        });
        return new Ceremonies.Verified(credentialId, passkey.deviceId(), passkey.userId(),
                result.getCredential().getUserHandle().getBase64Url(), result.isUserVerified(),
                result.isBackupEligible(), result.isBackedUp(), counter);
    }

    // ----- shared steps -----

    /** Takes the challenge in a transaction of its own: a refused answer must not put it back for another try. */
    private Challenges.Taken take(String ceremonyId, Challenges.Ceremony ceremony) {
        return database.inTransaction(tx -> challenges.take(tx, ceremonyId, ceremony)).orElseThrow(() ->
                GatehouseException.gone("challenge_unknown", "this passkey ceremony is unknown or was already"
                        + " answered; ask for new options"));
    }

    private void requireUnexpired(Challenges.Taken taken) {
        if (clock.millis() >= taken.expiresAt()) {
            throw GatehouseException.gone("challenge_expired", "this passkey ceremony expired at "
                    + Instant.ofEpochMilli(taken.expiresAt()) + "; ask for new options");
        }
    }

    private void requireUsable(ReadTx tx, StoredPasskey passkey) {
        if (!devices.isActive(tx, passkey.deviceId())) {
            throw GatehouseException.forbidden("device_revoked", "the device of this passkey was revoked");
        }
        if (passkey.possiblyClonedAt().isPresent()) {
            throw possiblyCloned();
        }
    }

    private static GatehouseException userVerificationMissing() {
        return GatehouseException.unprocessable("user_verification_missing", "the authenticator did not verify the"
                + " user (biometric or device PIN); Gatehouse requires it for every passkey use");
    }

    private static GatehouseException possiblyCloned() {
        return GatehouseException.forbidden("possibly_cloned", "this passkey's signature counter went backwards, so a"
                + " copy of it may exist; it is refused until an administrator enrols the device again");
    }

    /** The link's hash as text: the challenge row names the link without holding its secret. */
    private static String linkHash(String enrollmentToken) {
        return Base64Url.encode(Ids.sha256(enrollmentToken == null ? "" : enrollmentToken));
    }

    private static String aaguid(ByteArray aaguid) {
        ByteBuffer bytes = ByteBuffer.wrap(aaguid.getBytes());
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
    }

    private static JsonNode publicKeyMember(String credentialsJson) {
        try {
            return Json.MAPPER.readTree(credentialsJson).get("publicKey");
        } catch (IOException e) {
            throw new IllegalStateException("Yubico's options JSON did not parse", e);
        }
    }

    private static String creationJson(PublicKeyCredentialCreationOptions options) {
        try {
            return options.toCredentialsCreateJson();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("registration options did not serialise", e);
        }
    }

    private static String requestJson(AssertionRequest request) {
        try {
            return request.toCredentialsGetJson();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("assertion options did not serialise", e);
        }
    }

    private static String write(PublicKeyCredentialCreationOptions options) {
        try {
            return options.toJson();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("registration options did not serialise", e);
        }
    }

    private static String write(AssertionRequest request) {
        try {
            return request.toJson();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("assertion options did not serialise", e);
        }
    }
}
