package io.gatehouse.bench;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.ReplayGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * What the access-proof benchmarks share: device keys, pre-signed proofs with fresh nonces, the raw signature
 * verification that is their floor, and an in-memory replay set.
 */
final class Proofs {
    static final SecureRandom RANDOM = new SecureRandom();
    /** The algorithm of the proof signature (ProofSigner.ALGORITHM is package-private in protocol). */
    static final String ALGORITHM = "SHA256withECDSAinP1363Format";
    static final byte[] LABEL = AccessProof.DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII);

    /** Nonces are a counter from a random start, so no two proofs of a run share one. */
    private static final AtomicLong NONCES = new AtomicLong(RANDOM.nextLong());

    private Proofs() {
    }

    /** An enrolled device whose private key the benchmark holds, so it can make proofs. */
    record Device(CredentialId credentialId, KeyPair keys, ProofSigner signer) {
        Device(CredentialId credentialId, KeyPair keys) {
            this(credentialId, keys, new ProofSigner(keys.getPrivate()));
        }

        AccessProof sign(long issuedAt) {
            return signer.sign(ProofType.DEVICE_SIGNED, credentialId, issuedAt, NONCES.getAndIncrement(), false);
        }
    }

    static KeyPair newKeyPair() {
        return ProofSigner.generateP256(RANDOM);
    }

    /** Signs {@code count} proofs round-robin over the devices, each with a fresh nonce, on all cores. */
    static AccessProof[] sign(List<Device> devices, int count, long issuedAt) {
        AccessProof[] proofs = new AccessProof[count];
        IntStream.range(0, count).parallel()
                .forEach(i -> proofs[i] = devices.get(i % devices.size()).sign(issuedAt));
        return proofs;
    }

    static String[] texts(AccessProof[] proofs) {
        String[] texts = new String[proofs.length];
        for (int i = 0; i < proofs.length; i++) {
            texts[i] = proofs[i].toText();
        }
        return texts;
    }

    /**
     * A supply of single-use proof texts, signed before a measurement iteration, handed out once each. Running out
     * fails the run rather than reusing a proof (which would be a replay, a different and cheaper path).
     */
    static final class Pool {
        private volatile String[] texts = new String[0];
        private final AtomicInteger next = new AtomicInteger();
        private int lastUsed;

        /** Replaces the pool with {@code max(minimum, 2 x what the last iteration used)} fresh proofs. */
        void refill(List<Device> devices, int minimum, long issuedAt) {
            lastUsed = Math.min(next.get(), texts.length);
            int count = Math.max(minimum, 2 * lastUsed + 1000);
            String[] fresh = texts(sign(devices, count, issuedAt));
            next.set(0);
            texts = fresh;
        }

        String next() {
            int i = next.getAndIncrement();
            String[] current = texts;
            if (i >= current.length) {
                throw new IllegalStateException("the pool of " + current.length + " pre-signed proofs ran out in"
                        + " one iteration; raise the minimum");
            }
            return current[i];
        }

        int size() {
            return texts.length;
        }
    }

    /**
     * The floor of a proof check: one P-256 ECDSA verification (SHA-256, P1363) of the domain label + 31-byte body,
     * on a {@link Signature} initialised once with the key: no lookup, no parsing, no allocation of a verifier.
     */
    static final class RawVerify {
        private final Signature signature;
        private final byte[] message;
        private final byte[] sig;

        RawVerify(PublicKey key, AccessProof proof) {
            try {
                signature = Signature.getInstance(ALGORITHM);
                signature.initVerify(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            message = proof.signaturePayload();
            sig = proof.signature();
            if (message.length != LABEL.length + AccessProof.BODY_LENGTH || !verify()) {
                throw new IllegalStateException("the raw verification does not verify a good proof");
            }
        }

        boolean verify() {
            try {
                signature.update(message);
                return signature.verify(sig);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A replay guard in memory: a set of (credential, nonce), cleared by the benchmark when it starts the same
     * proofs over (so the second round is not all replays). No persistence, no bound: a benchmark device.
     */
    static final class MemoryReplay implements ReplayGuard {
        private record Key(CredentialId id, long nonce) {
        }

        private final Set<Key> seen = new HashSet<>();

        @Override
        public boolean firstUse(CredentialId id, long nonce, long expiresAtEpochSecond) {
            return seen.add(new Key(id, nonce));
        }

        void clear() {
            seen.clear();
        }
    }

    /**
     * {@code count} distinct P-256 public keys, cached as SPKI in {@code java.io.tmpdir} so that the forks of the
     * bundle benchmarks do not each spend ~10 s generating 100,000 keys. The cache holds public keys only.
     */
    static List<PublicKey> publicKeys(int count) {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "gatehouse-bench-p256-spki-" + count + ".bin");
        int length = PublicKeys.toSpki(newKeyPair().getPublic()).length;
        try {
            if (Files.isRegularFile(file) && Files.size(file) == (long) count * length) {
                byte[] all = Files.readAllBytes(file);
                List<PublicKey> keys = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    byte[] spki = new byte[length];
                    System.arraycopy(all, i * length, spki, 0, length);
                    keys.add(PublicKeys.fromSpki(spki));
                }
                return keys;
            }
            PublicKey[] keys = new PublicKey[count];
            IntStream.range(0, count).parallel().forEach(i -> keys[i] = newKeyPair().getPublic());
            byte[] all = new byte[count * length];
            for (int i = 0; i < count; i++) {
                System.arraycopy(PublicKeys.toSpki(keys[i]), 0, all, i * length, length);
            }
            Path temp = Files.createTempFile(file.getParent(), "gatehouse-bench-keys-", ".tmp");
            Files.write(temp, all);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.of(keys);
        } catch (IOException e) {
            throw new IllegalStateException("cannot cache public keys in " + file, e);
        }
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark precondition failed: " + what);
        }
    }
}
