package io.gatehouse.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
            Path temporary = file.resolveSibling(file.getFileName() + ".new");
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
