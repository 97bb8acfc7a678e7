package io.gatehouse.server.passkey;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import io.gatehouse.server.db.Database;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The stored passkeys as Yubico's relying party looks them up. Its "username" is Gatehouse's user id, and the user
 * handle is that id's bytes: a random id, so the handle a browser keeps names no person.
 */
final class PasskeyCredentials implements CredentialRepository {
    private final Database database;
    private final PasskeyStore store;

    PasskeyCredentials(Database database, PasskeyStore store) {
        this.database = database;
        this.store = store;
    }

    static ByteArray userHandle(String userId) {
        return new ByteArray(userId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String userId) {
        return database.read(tx -> store.byUserHandle(tx, userHandle(userId).getBytes())).stream()
                .map(PasskeyCredentials::descriptor).collect(Collectors.toSet());
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String userId) {
        return Optional.of(userHandle(userId));
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
        return Optional.of(new String(userHandle.getBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
        return database.read(tx -> store.find(tx, credentialId.getBase64Url()))
                .filter(passkey -> Arrays.equals(passkey.userHandle(), userHandle.getBytes()))
                .map(PasskeyCredentials::registered);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        return database.read(tx -> store.find(tx, credentialId.getBase64Url())).map(PasskeyCredentials::registered)
                .stream().collect(Collectors.toSet());
    }

    static PublicKeyCredentialDescriptor descriptor(StoredPasskey passkey) {
        return PublicKeyCredentialDescriptor.builder().id(credentialId(passkey))
                .transports(passkey.transports().stream().map(AuthenticatorTransport::of).collect(Collectors.toSet()))
                .build();
    }

    private static RegisteredCredential registered(StoredPasskey passkey) {
        return RegisteredCredential.builder().credentialId(credentialId(passkey))
                .userHandle(new ByteArray(passkey.userHandle())).publicKeyCose(new ByteArray(passkey.publicKeyCose()))
                .signatureCount(passkey.signatureCount()).backupEligible(passkey.backupEligible())
                .backupState(passkey.backedUp()).build();
    }

    private static ByteArray credentialId(StoredPasskey passkey) {
        try {
            return ByteArray.fromBase64Url(passkey.credentialId());
        } catch (com.yubico.webauthn.data.exception.Base64UrlException e) {
            throw io.gatehouse.server.common.GatehouseException.corrupt("passkey credential id "
                    + passkey.credentialId(), e);
        }
    }
}
