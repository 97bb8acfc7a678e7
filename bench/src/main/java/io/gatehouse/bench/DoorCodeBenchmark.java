package io.gatehouse.bench;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.codec.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cryptography of the web wallet's door-code endpoint (issue 9) against its floor, in the same run.
 *
 * <ul>
 *   <li>{@code assertion_and_mint}: what the endpoint computes per code besides its database work: the WebAuthn
 *       assertion's signature check (SHA-256 of the 142-byte clientDataJSON, then an ES256 verification, DER encoded,
 *       over authenticatorData || that hash, with a {@link Signature} made and initialised per call, as for a
 *       different passkey each time), then the mint as {@code wallet.Minter} does it ({@link ProofSigner#mint} with
 *       a signer made per call, a fresh nonce) and the Base45 text the page draws.</li>
 *   <li>{@code floor_verify_and_sign}: the floor: one P-256 verification of the same assertion signature and one
 *       P-256 signature of the proof's signed bytes, on {@link Signature} objects initialised once; nothing else.</li>
 * </ul>
 *
 * The target is {@code assertion_and_mint / floor_verify_and_sign >= 0.8}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class DoorCodeBenchmark {
    static final long ISSUED_AT = 1_767_171_600L;
    static final int MINTING_KEY_ID = 1;

    @State(Scope.Thread)
    public static class Endpoint {
        KeyPair passkey;
        KeyPair minting;
        CredentialId credential;
        byte[] authenticatorData;
        byte[] clientDataJson;
        byte[] assertionSignature;
        byte[] clientDataHash;
        byte[] proofPayload;
        Signature floorVerifier;
        Signature floorSigner;
        long nonce;

        @Setup
        public void setUp() throws GeneralSecurityException {
            passkey = Proofs.newKeyPair();
            minting = Proofs.newKeyPair();
            credential = CredentialId.random(Proofs.RANDOM);
            byte[] challenge = new byte[32];
            Proofs.RANDOM.nextBytes(challenge);
            clientDataJson = ("{\"type\":\"webauthn.get\",\"challenge\":\"" + Base64Url.encode(challenge)
                    + "\",\"origin\":\"https://gatehouse.example.com\",\"crossOrigin\":false}")
                    .getBytes(StandardCharsets.UTF_8);
            // rpIdHash (32), flags UP|UV, a 4-byte signature counter.
            authenticatorData = new byte[37];
            Proofs.RANDOM.nextBytes(authenticatorData);
            authenticatorData[32] = 0x05;
            clientDataHash = MessageDigest.getInstance("SHA-256").digest(clientDataJson);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(passkey.getPrivate());
            signer.update(authenticatorData);
            signer.update(clientDataHash);
            assertionSignature = signer.sign();
            proofPayload = new ProofSigner(minting.getPrivate()).mint(MINTING_KEY_ID, credential, ISSUED_AT, 1L, true)
                    .signaturePayload();
            floorVerifier = Signature.getInstance("SHA256withECDSA");
            floorVerifier.initVerify(passkey.getPublic());
            floorSigner = Signature.getInstance(Proofs.ALGORITHM);
            floorSigner.initSign(minting.getPrivate());
            Proofs.require(assertion_and_mint(this).length() > 0, "a code is minted");
        }
    }

    @Benchmark
    public static String assertion_and_mint(Endpoint e) throws GeneralSecurityException {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(e.clientDataJson);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(e.passkey.getPublic());
        verifier.update(e.authenticatorData);
        verifier.update(hash);
        if (!verifier.verify(e.assertionSignature)) {
            throw new IllegalStateException("the assertion signature did not verify");
        }
        AccessProof proof = new ProofSigner(e.minting.getPrivate()).mint(MINTING_KEY_ID, e.credential, ISSUED_AT,
                e.nonce++, true);
        return proof.toText();
    }

    @Benchmark
    public byte[] floor_verify_and_sign(Endpoint e) throws GeneralSecurityException {
        e.floorVerifier.update(e.authenticatorData);
        e.floorVerifier.update(e.clientDataHash);
        if (!e.floorVerifier.verify(e.assertionSignature)) {
            throw new IllegalStateException("the assertion signature did not verify");
        }
        e.floorSigner.update(e.proofPayload);
        return e.floorSigner.sign();
    }
}
