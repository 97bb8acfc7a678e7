package io.gatehouse.reader;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.access.PublicKeys;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;

/** An enrolled phone: a credential id and a device key that signs access proofs at the clock's time. */
public final class TestPhone {

    private static final SecureRandom RANDOM = new SecureRandom();

    public final CredentialId id = CredentialId.random(RANDOM);
    public final KeyPair key = PublicKeys.generateP256(RANDOM);
    public final String userId;
    private final ProofSigner signer = new ProofSigner(key.getPrivate());

    public TestPhone(String userId) {
        this.userId = userId;
    }

    /** A fresh proof, with UV, issued now by the clock. */
    public String proof(Clock clock) {
        return signer.sign(ProofType.DEVICE_SIGNED, id, clock.millis() / 1000, RANDOM.nextLong(), true).toText();
    }
}
