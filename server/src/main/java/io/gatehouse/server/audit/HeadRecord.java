package io.gatehouse.server.audit;

import io.gatehouse.server.common.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The last chain head this node linked, kept in a small file in the data directory, outside the database. Someone
 * who can write to the database but not to this file cannot roll the chain back to an earlier head (to delete or
 * re-link records) without the next sealing pass, and {@code audit verify}, noticing.
 */
final class HeadRecord {
    private final Path file;

    HeadRecord(Path file) {
        this.file = file;
    }

    /** The recorded head, or empty when none was recorded yet (or the file is unreadable, reported by the caller). */
    Optional<AuditLog.ChainHead> read() {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
            return Optional.of(new AuditLog.ChainHead(Long.parseLong(parts[0]), HexFormat.of().parseHex(parts[1])));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the recorded audit chain head " + file + ": " + e.getMessage(),
                    e);
        }
    }

    void write(AuditLog.ChainHead head) {
        try {
            // A file of its own per write (0600, as every file in the data directory): the server and a command
            // line run may seal at the same moment.
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".",
                    ".new", PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
            Files.writeString(temporary, head.seq() + " " + HexFormat.of().formatHex(head.mac()) + "\n",
                    StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot record the audit chain head in " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }
}
