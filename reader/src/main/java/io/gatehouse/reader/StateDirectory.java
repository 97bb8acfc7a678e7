package io.gatehouse.reader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The reader's state directory and the files in it:
 * <pre>
 * config.json          ReaderConfig (owner-only: it holds the credential)
 * reader-key-*.pk8     the reader's P-256 private key, PKCS#8 DER (owner-only)
 * bundle-&lt;version&gt;.bin  the last good bundle, exactly as downloaded
 * events.jsonl         the event queue, one JSON event per line, append-only
 * events.acked         the highest seq the server acknowledged
 * replay.log           the replay cache, one spent (credential, nonce) per line
 * inflight             the seq of the scan being relayed to the server
 * state.lock           held while an enroll or a run uses the directory
 * archive/             state of a previous reader id, kept after re-provisioning
 * </pre>
 * Files that are replaced (config, acknowledgement cursor) are written atomically: a temporary file in
 * the same directory, forced to disk, then renamed over the old one, then the directory forced. Files
 * that change as a whole (key, bundle) get a new name each time and are switched to by the atomic write
 * of {@code config.json}, so a crash at any point leaves the old or the new state, never a mix.
 */
public final class StateDirectory {

    /** The config file name. */
    public static final String CONFIG = "config.json";
    /** The event queue file name. */
    public static final String EVENTS = "events.jsonl";
    /** The acknowledgement cursor file name. */
    public static final String ACKED = "events.acked";
    /** The replay cache file name. */
    public static final String REPLAY = "replay.log";
    /** The visitor-pass entries counted offline, file name. */
    public static final String PASSES = "passes.log";
    /** The in-flight marker file name. */
    public static final String INFLIGHT = "inflight";
    /** The lock file name. */
    public static final String LOCK = "state.lock";
    /** The archive folder name. */
    public static final String ARCHIVE = "archive";

    private static final int CONFIG_FORMAT = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /**
     * Creates a handle on a state directory; nothing is read or created yet.
     *
     * @param dir the directory; not null; need not exist yet
     */
    public StateDirectory(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    /**
     * Returns the directory.
     *
     * @return the absolute path, never null
     */
    public Path dir() {
        return dir;
    }

    /**
     * Returns the path of a file in the directory.
     *
     * @param name the file name; not null
     * @return the path, never null
     */
    public Path file(String name) {
        return dir.resolve(name);
    }

    // ---- Lock -------------------------------------------------------------------------------------

    /** An exclusive hold on the directory; closing it releases the hold (so does the process dying). */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // Closing the channel releases the lock in any case.
            }
        }
    }

    /**
     * Creates the directory if needed (owner-only) and takes its lock, so that two readers never share it.
     *
     * @return the lock, to be closed when done; never null
     * @throws ReaderException with code {@code state_locked} if another process (or another reader in this
     *     process) holds it, {@code state_unwritable} if the directory cannot be created
     */
    public Lock lock() {
        FileChannel channel = null;
        try {
            createDirectory(dir);
            channel = FileChannel.open(file(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new ReaderException("state_locked", "state directory " + dir
                        + " is in use by another gatehouse reader process");
            }
            return new Lock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new ReaderException("state_locked", "state directory " + dir + " is in use by another reader in this process", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ReaderException("state_unwritable", "cannot create or lock state directory " + dir + ": " + e, e);
        } catch (ReaderException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    // ---- Config -----------------------------------------------------------------------------------

    /**
     * Reads {@code config.json} if there is one.
     *
     * @return the config, or empty if the reader was never enrolled here
     * @throws ReaderException with code {@code state_permissions} if others may read it,
     *     {@code state_unreadable} if it cannot be read or is not a valid config
     */
    public Optional<ReaderConfig> findConfig() {
        Path file = file(CONFIG);
        byte[] bytes;
        try {
            requireOwnerOnly(file);
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ReaderException("state_unreadable", "cannot read " + file + ": " + e, e);
        }
        try {
            return Optional.of(configFromJson(JSON.readTree(bytes)));
        } catch (IOException | RuntimeException e) {
            throw new ReaderException("state_unreadable", file + " is not a valid reader config: " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code config.json}.
     *
     * @return the config, never null
     * @throws ReaderException with code {@code not_enrolled} if there is none, else as {@link #findConfig()}
     */
    public ReaderConfig loadConfig() {
        return findConfig().orElseThrow(() -> new ReaderException("not_enrolled", "no reader is enrolled in " + dir
                + " (no " + CONFIG + "); run: gatehouse reader enroll --state " + dir + " TOKEN_OR_URL"));
    }

    /**
     * Replaces {@code config.json} atomically, owner-only.
     *
     * @param config the config; not null
     * @throws ReaderException with code {@code state_unwritable} if it cannot be written
     */
    public void saveConfig(ReaderConfig config) {
        writeAtomically(file(CONFIG), configToJson(config).getBytes(StandardCharsets.UTF_8));
    }

    private static String configToJson(ReaderConfig config) {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", CONFIG_FORMAT);
        json.put("readerId", config.readerId());
        json.put("doorId", config.doorId());
        json.put("serverUrl", config.serverUrl().toString());
        json.put("credential", config.credential());
        json.put("keyFile", config.keyFile());
        json.put("publicKey", config.publicKey());
        ArrayNode pins = json.putArray("pinnedKeys");
        for (TrustedKey key : config.pinnedKeys()) {
            pins.addObject().put("keyId", key.keyId()).put("publicKey", Base64Url.encode(PublicKeys.toSpki(key.publicKey())));
        }
        if (config.bundle() == null) {
            json.putNull("bundle");
        } else {
            json.putObject("bundle").put("file", config.bundle().file()).put("version", config.bundle().version())
                    .put("sha256", config.bundle().sha256());
        }
        if (config.revoked() == null) {
            json.putNull("revoked");
        } else {
            json.putObject("revoked").put("code", config.revoked().code()).put("detail", config.revoked().detail())
                    .put("at", config.revoked().at());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    private static ReaderConfig configFromJson(JsonNode json) {
        if (json.path("format").asInt(-1) != CONFIG_FORMAT) {
            throw new IllegalArgumentException("expected format " + CONFIG_FORMAT + ", got " + json.path("format"));
        }
        List<TrustedKey> pins = new ArrayList<>();
        for (JsonNode pin : json.path("pinnedKeys")) {
            pins.add(new TrustedKey(text(pin, "keyId"), PublicKeys.fromSpki(Base64Url.decode(text(pin, "publicKey")))));
        }
        JsonNode bundle = json.path("bundle");
        ReaderConfig.BundleRef bundleRef = bundle.isObject()
                ? new ReaderConfig.BundleRef(text(bundle, "file"), bundle.path("version").asLong(), text(bundle, "sha256"))
                : null;
        JsonNode revoked = json.path("revoked");
        ReaderConfig.Revocation revocation = revoked.isObject()
                ? new ReaderConfig.Revocation(text(revoked, "code"), text(revoked, "detail"), text(revoked, "at"))
                : null;
        return new ReaderConfig(text(json, "readerId"), text(json, "doorId"), URI.create(text(json, "serverUrl")),
                text(json, "credential"), text(json, "keyFile"), text(json, "publicKey"), pins, bundleRef, revocation);
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("expected a string member '" + name + "'");
        }
        return value.asText();
    }

    // ---- Key --------------------------------------------------------------------------------------

    /**
     * Writes a private key to a new owner-only PKCS#8 file.
     *
     * @param key the key; not null
     * @param random names the file; not null
     * @return the new file's name, never null
     * @throws ReaderException with code {@code state_unwritable} if it cannot be written
     */
    public String writeKey(PrivateKey key, SecureRandom random) {
        byte[] suffix = new byte[6];
        random.nextBytes(suffix);
        String name = "reader-key-" + HexFormat.of().formatHex(suffix) + ".pk8";
        writeAtomically(file(name), key.getEncoded());
        return name;
    }

    /**
     * Reads the private key.
     *
     * @param name the file name from the config; not null
     * @return the key, never null
     * @throws ReaderException with code {@code state_permissions} if others may read it,
     *     {@code state_unreadable} if it is missing or not a PKCS#8 EC key
     */
    public PrivateKey loadKey(String name) {
        Path file = file(name);
        try {
            requireOwnerOnly(file);
            byte[] der = Files.readAllBytes(file);
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException e) {
            throw new ReaderException("state_unreadable", "cannot read the reader key " + file + ": " + e, e);
        }
    }

    // ---- Bundle -----------------------------------------------------------------------------------

    /**
     * Stores a verified bundle under a name of its own.
     *
     * @param version the bundle's version
     * @param bytes the bundle exactly as downloaded; not null
     * @return the file name, never null
     * @throws ReaderException with code {@code state_unwritable} if it cannot be written
     */
    public String writeBundle(long version, byte[] bytes) {
        String name = "bundle-" + version + ".bin";
        writeAtomically(file(name), bytes);
        return name;
    }

    /**
     * Reads a stored bundle.
     *
     * @param name the file name; not null
     * @return the bytes, never null
     * @throws ReaderException with code {@code state_unreadable} if it cannot be read
     */
    public byte[] readBundle(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new ReaderException("state_unreadable", "cannot read the stored bundle " + file(name) + ": " + e, e);
        }
    }

    // ---- Housekeeping -----------------------------------------------------------------------------

    /**
     * Deletes a file of the directory if it exists; a failure is ignored (the file is then a leftover).
     *
     * @param name the file name; not null
     */
    public void deleteQuietly(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException ignored) {
            // A leftover file does no harm; the next successful write replaces the reference to it.
        }
    }

    /**
     * Moves files of the directory into a new folder under {@code archive/}.
     *
     * @param label names the folder; not null
     * @param names the files to move; those that do not exist are skipped
     * @return the folder, never null
     * @throws ReaderException with code {@code state_unwritable} if a move fails
     */
    public Path archive(String label, List<String> names) {
        Path folder = file(ARCHIVE).resolve(label);
        try {
            createDirectory(file(ARCHIVE));
            createDirectory(folder);
            for (String name : names) {
                if (Files.exists(file(name))) {
                    Files.move(file(name), folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            forceDirectory(dir);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot archive state files into " + folder + ": " + e, e);
        }
        return folder;
    }

    /**
     * Writes a file atomically and owner-only: a temporary file in the same directory, forced, renamed
     * over the target, then the directory forced so that the rename itself is durable.
     *
     * @param target the file; not null
     * @param bytes the content; not null
     * @throws ReaderException with code {@code state_unwritable} if it cannot be written
     */
    public static void writeAtomically(Path target, byte[] bytes) {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            createDirectory(directory);
            temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", ownerOnly(directory));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            forceDirectory(directory);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot write " + target + ": " + e, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The write already failed; that is the error to report.
                }
            }
        }
    }

    /** Makes a rename in the directory durable; not every platform can open a directory, so it is best effort. */
    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a directory; there the rename is as durable as the platform makes it.
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (isPosix(directory.getParent() == null ? directory : directory.getParent())) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } else {
            Files.createDirectories(directory);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path directory) {
        return isPosix(directory) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    private static void requireOwnerOnly(Path file) throws IOException {
        if (!isPosix(file.getParent())) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw new ReaderException("state_permissions", file + " has permissions "
                    + PosixFilePermissions.toString(permissions) + ", expected rw------- (600) or stricter,"
                    + " because it holds a secret; run: chmod 600 " + file);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing to do: the lock was not taken.
            }
        }
    }
}
