package io.gatehouse.reader;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.access.PublicKeys;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * An enrolled phone: a credential id and a device key that signs access proofs at the clock's time; or a web
 * wallet's passkey, whose codes the server mints with its minting key.
 */
public final class TestPhone {

    private static final SecureRandom RANDOM = new SecureRandom();

    public final CredentialId id = CredentialId.random(RANDOM);
    public final KeyPair key = PublicKeys.generateP256(RANDOM);
    public final String userId;
    private final ProofSigner signer = new ProofSigner(key.getPrivate());
    private final Supplier<FakeGatehouse.Minting> minting;

    public TestPhone(String userId) {
        this(userId, null);
    }

    private TestPhone(String userId, Supplier<FakeGatehouse.Minting> minting) {
        this.userId = userId;
        this.minting = minting;
    }

    /** A passkey of the web wallet, whose codes are minted with the key {@code minting} names at that moment. */
    static TestPhone passkey(String userId, Supplier<FakeGatehouse.Minting> minting) {
        return new TestPhone(userId, minting);
    }

    public boolean isPasskey() {
        return minting != null;
    }

    /** A fresh proof, with UV, issued now by the clock: device-signed, or minted for a passkey. */
    public String proof(Clock clock) {
        long now = clock.millis() / 1000;
        if (minting != null) {
            FakeGatehouse.Minting current = minting.get();
            return new ProofSigner(current.key().getPrivate()).mint(current.keyId(), id, now, RANDOM.nextLong(), true)
                    .toText();
        }
        return signer.sign(ProofType.DEVICE_SIGNED, id, now, RANDOM.nextLong(), true).toText();
    }

    /** A device-signed proof for this credential even if it is a passkey (which must refuse it). */
    public String deviceSignedProof(Clock clock) {
        return signer.sign(ProofType.DEVICE_SIGNED, id, clock.millis() / 1000, RANDOM.nextLong(), true).toText();
    }
}
