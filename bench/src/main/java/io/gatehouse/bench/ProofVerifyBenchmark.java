package io.gatehouse.bench;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialDirectory;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.access.RuleSource;
import io.gatehouse.protocol.access.WeeklyWindow;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * Access-proof verification in memory (issue 3): {@link AccessVerifier#decide} against one raw P-256 signature
 * verification, in the same run.
 *
 * <ul>
 *   <li>{@code decide}: {@code AccessVerifier.decide(text, context)}: Base45 decoding and parsing of the 143-character
 *       text, credential lookup (a {@link HashMap} of 16 credentials), active checks, the signature
 *       ({@code Signature.getInstance} + {@code initVerify} + {@code verify}, as the verifier does it), freshness,
 *       single use (an in-memory set of (credential, nonce)), the door policy (a role rule with a weekly schedule
 *       that contains the time, evaluated in the site's time zone) and the grant with its detail text. Every
 *       decision must be a grant: anything else throws and fails the run.</li>
 *   <li>{@code floor_raw_verify}: the floor: {@code update(label + 31-byte body)} + {@code verify(64-byte r||s)} on a
 *       {@link Signature} initialised once with the right key; nothing else.</li>
 *   <li>{@code floor_raw_verify_new_signature}: the same with {@code Signature.getInstance} + {@code initVerify} per
 *       call, which any verifier that meets a different key per proof pays (for information).</li>
 *   <li>{@code parse_only}: {@code AccessProofCodec.parse(text)}: step 1 alone.</li>
 * </ul>
 *
 * All of them cycle over the same {@value #PROOFS} proofs of 16 devices, each with its own nonce; the replay set is
 * cleared when {@code decide} starts the proofs over, so each decision is a first use. The target is
 * {@code decide / floor_raw_verify >= 0.85}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class ProofVerifyBenchmark {
    static final int DEVICES = 16;
    static final int PROOFS = 4096;
    /** A Wednesday, 10:00:00 in Berlin: inside the rule's Monday-Friday 06:00-22:00 window. */
    static final long NOW = 1_767_171_600L;
    static final long ISSUED_AT = NOW - 3;

    @State(Scope.Thread)
    public static class Proofset {
        final AccessVerifier verifier = new AccessVerifier();
        DoorSettings door;
        CredentialDirectory directory;
        RuleSource rules;
        final Proofs.MemoryReplay replay = new Proofs.MemoryReplay();
        String[] texts;
        Proofs.RawVerify[] raw;
        PublicKey[] keys;
        byte[][] payloads;
        byte[][] signatures;
        int next;

        @Setup
        public void setUp() {
            door = new DoorSettings("door_bench", "zone_bench", ZoneId.of("Europe/Berlin"), 30, 5, false,
                    DeviceTrust.SOFTWARE);
            List<Proofs.Device> devices = new ArrayList<>();
            Map<CredentialId, CredentialView> byId = new HashMap<>();
            for (int i = 0; i < DEVICES; i++) {
                Proofs.Device device = new Proofs.Device(CredentialId.random(Proofs.RANDOM), Proofs.newKeyPair());
                devices.add(device);
                byId.put(device.credentialId(), new CredentialView(device.credentialId(), "usr_bench" + i,
                        "dev_bench" + i, device.keys().getPublic(), true, true, DeviceTrust.SOFTWARE,
                        Set.of("staff", "visitor")));
            }
            directory = id -> Optional.ofNullable(byId.get(id));
            List<AccessRule> zoneRules = List.of(AccessRule.forRole("zone_bench", "staff", List.of(new WeeklyWindow(
                    EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(6, 0), LocalTime.of(22, 0)))));
            rules = zoneId -> zoneRules;

            AccessProof[] proofs = Proofs.sign(devices, PROOFS, ISSUED_AT);
            texts = Proofs.texts(proofs);
            raw = new Proofs.RawVerify[PROOFS];
            keys = new PublicKey[PROOFS];
            payloads = new byte[PROOFS][];
            signatures = new byte[PROOFS][];
            for (int i = 0; i < PROOFS; i++) {
                PublicKey key = byId.get(proofs[i].credentialId()).deviceKey().orElseThrow();
                raw[i] = new Proofs.RawVerify(key, proofs[i]);
                keys[i] = key;
                payloads[i] = proofs[i].signaturePayload();
                signatures[i] = proofs[i].signature();
            }
            // Every proof is granted once, and refused as a replay the second time.
            for (String text : texts) {
                Proofs.require(decide(text).granted(), "a fresh proof is granted");
            }
            Proofs.require(decide(texts[0]).reason().code().equals("replayed"), "a proof shown twice is replayed");
            replay.clear();
        }

        Decision decide(String text) {
            return verifier.decide(text, new AccessContext(door, NOW, directory, replay, rules));
        }

        int advance() {
            int i = next;
            next = i + 1 == PROOFS ? 0 : i + 1;
            return i;
        }
    }

    @Benchmark
    public Decision decide(Proofset p) {
        int i = p.advance();
        if (i == 0) {
            p.replay.clear();
        }
        Decision decision = p.decide(p.texts[i]);
        if (!decision.granted()) {
            throw new IllegalStateException("proof " + i + " was denied: " + decision.reason());
        }
        return decision;
    }

    @Benchmark
    public boolean floor_raw_verify(Proofset p) {
        return p.raw[p.advance()].verify();
    }

    @Benchmark
    public boolean floor_raw_verify_new_signature(Proofset p) throws GeneralSecurityException {
        int i = p.advance();
        Signature signature = Signature.getInstance(Proofs.ALGORITHM);
        signature.initVerify(p.keys[i]);
        signature.update(p.payloads[i]);
        return signature.verify(p.signatures[i]);
    }

    @Benchmark
    public ParseResult parse_only(Proofset p) {
        return AccessProofCodec.parse(p.texts[p.advance()]);
    }
}
