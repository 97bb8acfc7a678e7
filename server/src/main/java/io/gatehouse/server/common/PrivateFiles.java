package io.gatehouse.server.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything Gatehouse keeps in its data directory is for its owner only: the directory is created 0700 and every
 * file in it 0600, and a directory or file that group or others may use is refused at start with the command that
 * fixes it.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** Creates {@code file} with mode 0600; fails when it exists. */
    public static void createFile(Path file) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    }

    /** Creates {@code directory} and any missing parents with mode 0700. */
    public static void createDirectories(Path directory) throws IOException {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
    }

    /** One line per entry of {@code directory} (and the directory itself) that group or others may use. */
    public static List<String> exposedIn(Path directory) {
        List<String> problems = new ArrayList<>();
        exposed(directory).ifPresent(problems::add);
        try (Stream<Path> entries = Files.list(directory)) {
            entries.sorted().forEach(entry -> exposed(entry).ifPresent(problems::add));
        } catch (IOException e) {
            problems.add("cannot list " + directory + " (" + e.getClass().getSimpleName() + ")");
        }
        return problems;
    }

    /** The problem with {@code path} when group or others may use it; empty when it is private or absent. */
    public static Optional<String> exposed(Path path) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(path);
        } catch (java.nio.file.NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read the permissions of " + path + " (" + e.getClass().getSimpleName() + ")");
        }
        if (permissions.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
            return Optional.empty();
        }
        boolean directory = Files.isDirectory(path);
        return Optional.of(path + " is open to other users (permissions " + PosixFilePermissions.toString(permissions)
                + "); run: chmod " + (directory ? "700 " : "600 ") + path);
    }
}
