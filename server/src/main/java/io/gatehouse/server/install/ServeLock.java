package io.gatehouse.server.install;

import io.gatehouse.server.common.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a data directory, held by the one server that serves it for as long as it runs: the file
 * {@code serve.lock} (0600, holding the server's pid) locked with {@link FileChannel#tryLock()}. The operating
 * system drops the lock when the process ends, however it ends, so a crash never leaves a stale lock.
 *
 * <p>Only {@code serve} takes it. The short-lived command-line writers ({@code admin token create} and the like)
 * take no lock and run beside a server, as SQLite's busy timeout and PostgreSQL's row locks already allow.
 */
public final class ServeLock implements AutoCloseable {
    static final String FILE_NAME = "serve.lock";
    /**
     * Directories locked by this process. POSIX drops every lock a process holds on a file when it closes any
     * descriptor of that file, so a second start in the same process must be refused before it opens the file.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;

    private ServeLock(Path directory, FileChannel channel) {
        this.directory = directory;
        this.channel = channel;
    }

    /** Locks {@code directory} (which must exist), or refuses when another server holds it. */
    public static ServeLock acquire(Path directory) {
        Path key = realPath(directory);
        if (!HELD.add(key)) {
            throw held(key, String.valueOf(ProcessHandle.current().pid()));
        }
        Path file = key.resolve(FILE_NAME);
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = readPid(channel);
                channel.close();
                throw held(key, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
            return new ServeLock(key, channel);
        } catch (IOException e) {
            HELD.remove(key);
            throw new InstallationException("cannot lock the data directory " + key + " with " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    /**
     * True while a server holds the lock on {@code directory}, in this process or another. Probing takes the lock
     * for a moment; when the file cannot be probed the answer is true, the cautious one for its callers.
     */
    public static boolean isHeld(Path directory) {
        Path key = realPath(directory);
        if (HELD.contains(key)) {
            return true;
        }
        Path file = key.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }

    /** The same key for every path to one directory (symbolic links resolved). */
    private static Path realPath(Path directory) {
        try {
            return directory.toRealPath();
        } catch (IOException absent) {
            return directory.toAbsolutePath().normalize();
        }
    }

    private static String readPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("\\d{1,19}") ? text : "unknown";
    }

    private static InstallationException held(Path directory, String pid) {
        return new InstallationException("another Gatehouse is serving " + directory + " (pid " + pid + "); stop it"
                + " first, or give this server its own --data directory");
    }

    /** Releases the lock; the file stays (deleting it would let two servers lock two different files). */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing the descriptor releases the lock whatever close reports
        } finally {
            HELD.remove(directory);
        }
    }
}
