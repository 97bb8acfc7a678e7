package io.gatehouse.reader;

import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a provisioning token into a reader: a new P-256 key pair, the enrollment call, and the stored
 * config with the pinned bundle keys.
 *
 * <p>Re-provisioning (enrolling again into a state directory that holds a reader) replaces the key and
 * the credential only after the server accepted the new enrollment, by the atomic write of
 * {@code config.json}. When the server gives back the same reader id, the event chain, the replay cache
 * and the last good bundle stay: the next event continues the chain, signed with the new key. When it
 * gives another reader id, they are moved to {@code archive/}. Events not yet uploaded block
 * re-provisioning unless forced, because after it they are signed by a key the server no longer holds
 * for this reader, or belong to another reader.
 */
public final class Enroller {

    /** How long the enrollment call may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final DateTimeFormatter ARCHIVE_NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final ServerClient client;
    private final SecureRandom random;
    private final Clock clock;
    private final Diagnostics diagnostics;

    /**
     * Creates an enroller.
     *
     * @param client talks to the server; not null
     * @param random makes the key; not null
     * @param clock names archive folders; not null
     * @param diagnostics where warnings go; not null
     */
    public Enroller(ServerClient client, SecureRandom random, Clock clock, Diagnostics diagnostics) {
        this.client = Objects.requireNonNull(client, "client");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
    }

    /**
     * Enrols (or re-provisions) the reader of a state directory.
     *
     * @param stateDir the state directory; not null; created if missing
     * @param tokenOrUrl the provisioning token or URL; not null
     * @param force whether to re-provision although events are not yet uploaded
     * @return the stored config, never null
     * @throws ReaderException with code {@code invalid_token} for a token that does not parse,
     *     {@code unsent_events} when events wait and {@code force} is false, the server's code and status
     *     when it refuses (410 for a used or expired token), {@code server_unreachable}, or a state code
     */
    public ReaderConfig enroll(Path stateDir, String tokenOrUrl, boolean force) {
        ProvisioningToken token = ProvisioningToken.parse(tokenOrUrl);
        StateDirectory state = new StateDirectory(stateDir);
        StateDirectory.Lock lock = state.lock();
        try {
            Optional<ReaderConfig> previous = state.findConfig();
            if (previous.isPresent()) {
                requireNothingUnsent(state, force);
            }
            // 1. A new key for each enrollment: a re-provisioned reader does not keep a key that may have leaked.
            KeyPair keyPair = PublicKeys.generateP256(random);
            // 2. The token is spent here; nothing was changed on disk before.
            ServerClient.Enrollment enrollment = client.enroll(token, keyPair.getPublic(), facts(), TIMEOUT);
            // 3. Store the new key under a new name, then switch to it with the config.
            String keyFile = state.writeKey(keyPair.getPrivate(), random);
            boolean sameReader = previous.map(config -> config.readerId().equals(enrollment.readerId())).orElse(false);
            ReaderConfig config = new ReaderConfig(enrollment.readerId(), enrollment.doorId(), enrollment.serverUrl(),
                    enrollment.credential(), keyFile, Base64Url.encode(PublicKeys.toSpki(keyPair.getPublic())),
                    enrollment.bundleKeys(), sameReader ? previous.get().bundle() : null, null);
            state.saveConfig(config);
            // 4. Another reader id: its files go to the archive. Should this be cut short by a crash,
            //    ReaderAgent.open finishes it (it archives a queue that belongs to another reader).
            if (previous.isPresent() && !sameReader) {
                List<String> files = new ArrayList<>(READER_FILES);
                if (previous.get().bundle() != null) {
                    files.add(previous.get().bundle().file());
                }
                archive(state, previous.get().readerId(), files, clock, diagnostics);
            }
            deleteOtherKeys(state, keyFile);
            return config;
        } finally {
            lock.close();
        }
    }

    private void requireNothingUnsent(StateDirectory state, boolean force) {
        int unsent;
        try (EventQueue queue = EventQueue.open(state.file(StateDirectory.EVENTS), state.file(StateDirectory.ACKED),
                diagnostics)) {
            unsent = queue.pendingCount();
        }
        if (unsent == 0) {
            return;
        }
        if (!force) {
            throw new ReaderException("unsent_events", unsent + " event(s) in " + state.file(StateDirectory.EVENTS)
                    + " are not yet uploaded. Run the reader while the server is reachable so they upload, or pass"
                    + " --force to provision anyway (they are kept: in the chain if the reader id stays, else under "
                    + StateDirectory.ARCHIVE + "/)");
        }
        diagnostics.warn("unsent_events_forced", Diagnostics.fields("events", unsent));
    }

    /** The files that belong to one reader id's event chain. */
    static final List<String> READER_FILES = List.of(StateDirectory.EVENTS, StateDirectory.ACKED,
            StateDirectory.REPLAY, StateDirectory.PASSES, StateDirectory.INFLIGHT);

    /** Moves a previous reader's files under {@code archive/<time>-<reader id>/}. */
    static Path archive(StateDirectory state, String previousReaderId, List<String> files, Clock clock,
            Diagnostics diagnostics) {
        Path folder = state.archive(ARCHIVE_NAME.format(clock.instant()) + "-" + safe(previousReaderId), files);
        diagnostics.warn("state_archived", Diagnostics.fields("previousReader", previousReaderId, "archive", folder.toString()));
        return folder;
    }

    private static void deleteOtherKeys(StateDirectory state, String keep) {
        try (DirectoryStream<Path> keys = Files.newDirectoryStream(state.dir(), "reader-key-*.pk8")) {
            for (Path key : keys) {
                if (!key.getFileName().toString().equals(keep)) {
                    state.deleteQuietly(key.getFileName().toString());
                }
            }
        } catch (IOException ignored) {
            // An old key file left behind is unused; the config names the current one.
        }
    }

    private static String safe(String readerId) {
        return readerId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Map<String, String> facts() {
        return Map.of(
                "model", "gatehouse-reader-cli",
                "os", System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", ""),
                "version", ReaderVersion.get());
    }
}
