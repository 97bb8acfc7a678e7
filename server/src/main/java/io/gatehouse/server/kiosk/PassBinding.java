package io.gatehouse.server.kiosk;

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
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.passkey.PasskeyRelyingParty;
import io.gatehouse.server.visitor.PassState;
import io.gatehouse.server.visitor.Visitor;
import io.gatehouse.server.visitor.VisitorStore;
import io.gatehouse.server.wallet.DoorCodes;
import io.gatehouse.server.wallet.Minter;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Binding a visitor's pass to a phone, and the door codes of a bound pass. The phone registers a passkey for the
 * pass (user verification required) through a one-time bind link; at a door that demands a bound pass, the phone
 * signs a fresh challenge with it (user verification required) and gets a short-lived minted access proof for the
 * pass's own credential id, which the reader relays like any other proof.
 */
public final class PassBinding {
    public static final String BIND_PATH = "/pass/bind/";
    static final Duration CEREMONY_LIFETIME = Duration.ofSeconds(60);
    private static final String REGISTRATION = "registration";
    private static final String ASSERTION = "assertion";

    private final Database database;
    private final AuditLog audit;
    private final PasskeyRelyingParty relyingParty;
    private final PassCredentials credentials;
    private final Minter minter;
    private final Clock clock;
    private final SecureRandom random;

    public PassBinding(Database database, AuditLog audit, PasskeyRelyingParty relyingParty, Minter minter,
            Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.relyingParty = relyingParty;
        this.credentials = new PassCredentials(database);
        this.minter = minter;
        this.clock = clock;
        this.random = random;
    }

    /** What the bind page shows: the pass's window, and whether a phone is bound already. */
    /**
     * Erases what binding left of a pass (its phone's passkeys, ceremonies, bind links, short code), inside the
     * transaction that erases the visitor ({@code VisitorPasses.alsoErase}).
     */
    public static void erase(Tx tx, String visitorId) {
        PassKioskStore.eraseOfVisitor(tx, visitorId);
    }

    public record BindPage(Instant from, Instant until, boolean bound) {
    }

    /** The page of a bind link: 1 the link is known, unspent and unexpired, 2 its pass is active or upcoming. */
    public BindPage bindPage(String token) {
        Visitor visitor = passOfLink(token);
        return new BindPage(visitor.from(), visitor.until(), database.read(tx -> PassPasskeyStore.bound(tx,
                visitor.id())));
    }

    /**
     * A fresh bind link for the holder of a pass's handle (the invitation's pass page offers binding too): 1 the
     * handle names a pass, 2 active or upcoming. Returns the link's path.
     */
    public String bindLinkForHandle(String handle) {
        Instant now = clock.instant();
        Visitor visitor = database.read(tx -> VisitorStore.byHandleHash(tx, Ids.sha256(handle == null ? "" : handle)))
                .orElseThrow(() -> GatehouseException.notFound("unknown_pass", "this pass is not known here"));
        PassState state = visitor.state(now);
        if (state != PassState.ACTIVE && state != PassState.UPCOMING) {
            throw GatehouseException.gone("pass_ended", "this pass is " + state.code().replace('_', ' '));
        }
        byte[] token = new byte[32];
        random.nextBytes(token);
        String text = io.gatehouse.protocol.codec.Base64Url.encode(token);
        database.inTransaction(tx -> {
            PassKioskStore.insertBindLink(tx, Ids.sha256(text), visitor.id(), now.plus(CheckIns.BIND_LINK_LIFETIME));
            return null;
        });
        return BIND_PATH + text;
    }

    /** Options to create the pass's passkey: user verification required, over a fresh single-use challenge. */
    public Ceremonies.Options bindOptions(String token) {
        Visitor visitor = passOfLink(token);
        RelyingParty rp = relyingParty.get(credentials);
        PublicKeyCredentialCreationOptions options = rp.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder().name("visitor-pass").displayName("Visitor pass")
                        .id(PassCredentials.userHandle(visitor.id())).build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.DISCOURAGED)
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .timeout(CEREMONY_LIFETIME.toMillis()).build());
        try {
            return putCeremony(REGISTRATION, visitor.id(), options.toJson(), options.toCredentialsCreateJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("registration options did not serialise", e);
        }
    }

    /** A phone bound to a pass. */
    public record Bound(String visitorId) {
    }

    /**
     * Binds the pass: 1 the ceremony is known and its challenge unused, 2 not expired, 3 the bind link is still
     * valid and 4 names the ceremony's pass, 5 the answer is a WebAuthn credential, 6 the authenticator verified the
     * user, 7 Yubico's checks pass (challenge, origin, relying-party id, user presence, an offered algorithm); then
     * the link is spent and the passkey stored with a new access credential id for the pass.
     */
    public Bound bind(String token, Ceremonies.Answer answer, ClientInfo client) {
        RelyingParty rp = relyingParty.get(credentials);
        PassPasskeyStore.Ceremony taken = take(answer.ceremonyId(), REGISTRATION);
        Visitor visitor = passOfLink(token);
        if (!MessageDigest.isEqual(visitor.id().getBytes(), taken.visitorId().getBytes())) {
            throw GatehouseException.forbidden("ceremony_mismatch", "this binding was started through another link");
        }
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
            throw GatehouseException.corrupt("pass binding request " + answer.ceremonyId(), e);
        }
        Instant now = clock.instant();
        CredentialId accessId = CredentialId.random(random);
        return database.inTransaction(tx -> {
            if (!PassKioskStore.spendBindLink(tx, Ids.sha256(token), now)) {
                throw GatehouseException.gone("bind_link_unknown", "this bind link was used already or expired");
            }
            PassPasskeyStore.insert(tx, new PassPasskeyStore.PassPasskey(result.getKeyId().getId().getBase64Url(),
                    visitor.id(), accessId, PassCredentials.userHandle(visitor.id()).getBytes(),
                    result.getPublicKeyCose().getBytes(), result.getSignatureCount()), now);
            audit.append(tx, AuditEvent.of("visitor:" + visitor.id(), "visitor.bind", client)
                    .subject("visitor:" + visitor.id()).detail("credential", accessId.toString()).success());
            return new Bound(visitor.id());
        });
    }

    /** Options to sign with one of the pass's passkeys: 1 the pass is known, 2 active, 3 bound; UV required. */
    public Ceremonies.Options codeOptions(String handle) {
        Visitor visitor = activePass(handle);
        List<PassPasskeyStore.PassPasskey> passkeys = database.read(tx -> PassPasskeyStore.ofVisitor(tx,
                visitor.id()));
        if (passkeys.isEmpty()) {
            throw GatehouseException.conflict("pass_not_bound", "this pass is not bound to a phone; bind it first");
        }
        RelyingParty rp = relyingParty.get(credentials);
        byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        AssertionRequest request = AssertionRequest.builder().publicKeyCredentialRequestOptions(
                PublicKeyCredentialRequestOptions.builder().challenge(new ByteArray(challenge))
                        .timeout(CEREMONY_LIFETIME.toMillis()).rpId(rp.getIdentity().getId())
                        .allowCredentials(passkeys.stream().map(PassCredentials::descriptor).toList())
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .userHandle(PassCredentials.userHandle(visitor.id())).build();
        String json;
        String browserJson;
        try {
            json = request.toJson();
            browserJson = request.toCredentialsGetJson();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("assertion options did not serialise", e);
        }
        return putCeremony(ASSERTION, visitor.id(), json, browserJson);
    }

    /**
     * Mints a door code for a bound pass: 1 the ceremony is known and unused, 2 not expired, 3 for this pass, 4 the
     * pass is active, 5 the answer is an assertion 6 by one of this pass's passkeys, 7 with user verification, 8
     * Yubico's checks pass (challenge, origin, relying-party id, user presence, signature), 9 the signature counter
     * moved forward (or both are zero); then a minted proof for the pass's credential id, UV set, lives
     * {@link DoorCodes#LIFETIME}. Decided at the door by the pass's window, doors and entries.
     */
    public DoorCodes.DoorCode mintCode(String handle, Ceremonies.Answer answer, ClientInfo client) {
        RelyingParty rp = relyingParty.get(credentials);
        PassPasskeyStore.Ceremony taken = take(answer.ceremonyId(), ASSERTION);
        Visitor visitor = activePass(handle);
        if (!MessageDigest.isEqual(visitor.id().getBytes(), taken.visitorId().getBytes())) {
            throw GatehouseException.forbidden("ceremony_mismatch", "this assertion was asked for another pass");
        }
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> credential;
        try {
            credential = PublicKeyCredential.parseAssertionResponseJson(Json.write(answer.credential()));
        } catch (IOException | RuntimeException e) {
            throw GatehouseException.invalid("invalid_credential", "field 'credential' must be a PublicKeyCredential"
                    + " from navigator.credentials.get in WebAuthn's JSON form");
        }
        PassPasskeyStore.PassPasskey passkey = database.read(tx -> PassPasskeyStore.byWebauthnId(tx,
                credential.getId().getBase64Url())).filter(found -> found.visitorId().equals(visitor.id()))
                .orElseThrow(() -> GatehouseException.forbidden("credential_not_allowed", "this passkey is not"
                        + " bound to this pass"));
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
            throw GatehouseException.corrupt("pass assertion request " + answer.ceremonyId(), e);
        }
        long counter = result.getSignatureCount();
        if ((counter != 0 || passkey.signatureCount() != 0) && counter <= passkey.signatureCount()) {
            throw GatehouseException.forbidden("possibly_cloned", "this passkey's signature counter went backwards;"
                    + " bind the pass again");
        }
        Minter.MintedCode code = minter.mint(passkey.credentialId(), result.isUserVerified(), clock.instant(),
                DoorCodes.LIFETIME);
        database.inTransaction(tx -> {
            PassPasskeyStore.recordUse(tx, passkey.webauthnId(), counter, clock.instant());
            audit.append(tx, AuditEvent.of("visitor:" + visitor.id(), "visitor.door_code", client)
                    .subject("visitor:" + visitor.id()).detail("credential", passkey.credentialId().toString())
                    .detail("mintingKey", code.mintingKeyId()).detail("expiresAt", code.expiresAt().toString())
                    .success());
            return null;
        });
        return new DoorCodes.DoorCode(code.text(), QrCode.encode(code.text(), ErrorCorrection.M).toSvg(),
                code.issuedAt().toString(), code.expiresAt().toString());
    }

    private Visitor passOfLink(String token) {
        Instant now = clock.instant();
        Visitor visitor = database.read(tx -> PassKioskStore.visitorOfBindLink(tx, Ids.sha256(token == null ? ""
                : token), now).flatMap(id -> VisitorStore.byId(tx, id))).orElseThrow(() -> GatehouseException.gone(
                        "bind_link_unknown", "this bind link is unknown, was used already or expired; ask at the"
                        + " kiosk for a new one"));
        PassState state = visitor.state(now);
        if (state != PassState.ACTIVE && state != PassState.UPCOMING) {
            throw GatehouseException.gone("pass_ended", "this pass is " + state.code().replace('_', ' '));
        }
        return visitor;
    }

    private Visitor activePass(String handle) {
        Instant now = clock.instant();
        Visitor visitor = database.read(tx -> VisitorStore.byHandleHash(tx, Ids.sha256(handle == null ? "" : handle)))
                .orElseThrow(() -> GatehouseException.notFound("unknown_pass", "this pass is not known here"));
        if (visitor.state(now) != PassState.ACTIVE) {
            throw GatehouseException.gone("pass_inactive", "this pass is " + visitor.state(now).code()
                    .replace('_', ' ') + " now; no door code");
        }
        return visitor;
    }

    private Ceremonies.Options putCeremony(String ceremony, String visitorId, String requestJson,
            String browserJson) {
        String id = Ids.newId(random, "pkc");
        Instant now = clock.instant();
        Instant expires = now.plus(CEREMONY_LIFETIME);
        database.inTransaction(tx -> {
            PassPasskeyStore.putCeremony(tx, id, ceremony, visitorId, requestJson, expires, now);
            return null;
        });
        JsonNode publicKey;
        try {
            publicKey = Json.MAPPER.readTree(browserJson).get("publicKey");
        } catch (IOException e) {
            throw new IllegalStateException("Yubico's options JSON did not parse", e);
        }
        return new Ceremonies.Options(id, publicKey, expires.toString());
    }

    /** Takes the ceremony in a transaction of its own: a refused answer must not put it back for another try. */
    private PassPasskeyStore.Ceremony take(String ceremonyId, String ceremony) {
        PassPasskeyStore.Ceremony taken = database.inTransaction(tx -> PassPasskeyStore.takeCeremony(tx, ceremonyId,
                ceremony)).orElseThrow(() -> GatehouseException.gone("challenge_unknown", "this passkey ceremony is"
                        + " unknown or was already answered; ask for new options"));
        if (!clock.instant().isBefore(taken.expiresAt())) {
            throw GatehouseException.gone("challenge_expired", "this passkey ceremony expired at "
                    + taken.expiresAt() + "; ask for new options");
        }
        return taken;
    }

    private static GatehouseException userVerificationMissing() {
        return GatehouseException.unprocessable("user_verification_missing", "the authenticator did not verify the"
                + " user (biometric or device PIN); a bound pass requires it");
    }
}
