package io.gatehouse.server.kiosk;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.exception.Base64UrlException;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The passes' passkeys as Yubico's relying party looks them up: its "username" is the visitor id, and the user handle
 * is that (random) id's bytes, so the handle a phone keeps names no person.
 */
final class PassCredentials implements CredentialRepository {
    private final Database database;

    PassCredentials(Database database) {
        this.database = database;
    }

    static ByteArray userHandle(String visitorId) {
        return new ByteArray(visitorId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String visitorId) {
        return database.read(tx -> PassPasskeyStore.ofVisitor(tx, visitorId)).stream()
                .map(PassCredentials::descriptor).collect(Collectors.toSet());
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String visitorId) {
        return Optional.of(userHandle(visitorId));
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
        return Optional.of(new String(userHandle.getBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
        return database.read(tx -> PassPasskeyStore.byWebauthnId(tx, credentialId.getBase64Url()))
                .filter(passkey -> Arrays.equals(passkey.userHandle(), userHandle.getBytes()))
                .map(PassCredentials::registered);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        return database.read(tx -> PassPasskeyStore.byWebauthnId(tx, credentialId.getBase64Url()))
                .map(PassCredentials::registered).stream().collect(Collectors.toSet());
    }

    static PublicKeyCredentialDescriptor descriptor(PassPasskeyStore.PassPasskey passkey) {
        return PublicKeyCredentialDescriptor.builder().id(webauthnId(passkey)).build();
    }

    private static RegisteredCredential registered(PassPasskeyStore.PassPasskey passkey) {
        return RegisteredCredential.builder().credentialId(webauthnId(passkey))
                .userHandle(new ByteArray(passkey.userHandle())).publicKeyCose(new ByteArray(passkey.publicKeyCose()))
                .signatureCount(passkey.signatureCount()).build();
    }

    private static ByteArray webauthnId(PassPasskeyStore.PassPasskey passkey) {
        try {
            return ByteArray.fromBase64Url(passkey.webauthnId());
        } catch (Base64UrlException e) {
            throw GatehouseException.corrupt("pass passkey credential id " + passkey.webauthnId(), e);
        }
    }
}
