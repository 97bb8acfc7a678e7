package io.gatehouse.bench;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.server.common.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Reader bundles of a realistic shape for the offline benchmarks: one door; N credentials, one per user, with the
 * server's id formats ({@code usr_}/{@code dev_} + 26 characters), role {@code staff}, every 100th revoked (and on
 * the revocation list); two role rules with weekly schedules; one trusted bundle key.
 */
final class Bundles {
    static final String READER_ID = "rdr_benchbenchbenchbenchbenchbe";
    static final String KEY_ID = "bundle-2026-01";
    static final DoorSettings DOOR = new DoorSettings("door_benchbenchbenchbenchbenchbe",
            "zone_benchbenchbenchbenchbenchbe", ZoneId.of("Europe/Berlin"), 30, 5, false, DeviceTrust.SOFTWARE);
    /** Wednesday 2025-12-31 10:00 in Berlin: inside the staff rule's window. */
    static final long NOW = 1_767_171_600L;

    private Bundles() {
    }

    /**
     * A bundle whose first credentials are {@code holders} (devices whose keys the benchmark holds, never revoked),
     * followed by one credential per key of {@code others}.
     */
    static ReaderBundle bundle(List<Proofs.Device> holders, List<PublicKey> others, KeyPair bundleKey) {
        SecureRandom random = new SecureRandom();
        List<CredentialView> credentials = new ArrayList<>(holders.size() + others.size());
        List<CredentialId> revoked = new ArrayList<>();
        for (Proofs.Device holder : holders) {
            credentials.add(new CredentialView(holder.credentialId(), Ids.newId(random, "usr"),
                    Ids.newId(random, "dev"), holder.keys().getPublic(), true, true, DeviceTrust.SOFTWARE,
                    Set.of("staff")));
        }
        for (int i = 0; i < others.size(); i++) {
            boolean active = i % 100 != 99;
            CredentialId id = CredentialId.random(random);
            credentials.add(new CredentialView(id, Ids.newId(random, "usr"), Ids.newId(random, "dev"), others.get(i),
                    active, true, DeviceTrust.SOFTWARE, Set.of("staff")));
            if (!active) {
                revoked.add(id);
            }
        }
        List<AccessRule> rules = List.of(
                AccessRule.forRole(DOOR.zoneId(), "staff", List.of(new WeeklyWindow(
                        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(6, 0), LocalTime.of(22, 0)))),
                AccessRule.forRole(DOOR.zoneId(), "cleaning", List.of(new WeeklyWindow(
                        EnumSet.of(DayOfWeek.SATURDAY), LocalTime.of(8, 0), LocalTime.of(12, 0)))));
        return new ReaderBundle(1, NOW - 60, NOW - 60 + 86_400, READER_ID, DOOR, OfflineMode.FAIL_SECURE,
                List.of(new TrustedKey(KEY_ID, bundleKey.getPublic())), credentials, revoked, rules);
    }

    /**
     * The exact encoded size of a bundle of {@code credentials} credentials. Every SPKI of an uncompressed P-256 point
     * has the same length, and ids have fixed lengths, so one key repeated gives the size without generating keys.
     */
    static int size(int credentials) {
        KeyPair one = Proofs.newKeyPair();
        List<PublicKey> keys = new ArrayList<>(credentials);
        for (int i = 0; i < credentials; i++) {
            keys.add(one.getPublic());
        }
        return BundleCodec.encode(bundle(List.of(), keys, one), KEY_ID, one.getPrivate()).length;
    }

    /** The gzip size of some bytes: what a compressed transfer would carry (for information). */
    static int gzipSize(byte[] bytes) {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return gzipped.size();
    }
}
