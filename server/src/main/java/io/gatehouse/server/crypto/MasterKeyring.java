package io.gatehouse.server.crypto;

import io.gatehouse.server.common.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master keys, kept in a file outside the database. Each line of the file is {@code KEY_ID BASE64URL_KEY}; the
 * last line is the active key (new data is protected with it), earlier lines stay so that older data can still be
 * read. The file must be readable by its owner only.
 *
 * <p>Nothing uses a master key directly: {@link #derive} gives a separate 256-bit key per purpose
 * (HMAC-SHA256(master, purpose label)), so that the audit MAC key, the secret-encryption key and the recovery-code
 * pepper are independent.
 */
public final class MasterKeyring {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String HEADER = "# Gatehouse master keys. The last line is the active key; keep the older lines"
            + " so that older data stays readable.\n# Keep this file secret and back it up apart from the database.\n";

    private final Map<String, byte[]> keys;
    private final String activeKeyId;
    private final Map<String, byte[]> derived = new java.util.concurrent.ConcurrentHashMap<>();

    private MasterKeyring(Map<String, byte[]> keys, String activeKeyId) {
        this.keys = keys;
        this.activeKeyId = activeKeyId;
    }

    /**
     * Creates the key file with one fresh key (mode 0600 from the moment it exists) and loads it. Only a new
     * installation calls this: a database that already holds data needs its own key file back, not a new one.
     *
     * @throws CryptoException when the file exists already or cannot be written
     */
    public static MasterKeyring create(Path file, SecureRandom random) {
        try {
            PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(file, HEADER + "mk1 " + newKeyText(random) + "\n", StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException exists) {
            throw new CryptoException("master key file " + file + " exists already; it is never replaced", exists);
        } catch (IOException e) {
            throw new CryptoException("cannot create master key file " + file + ": " + e.getMessage(), e);
        }
        return load(file);
    }

    /** Loads an existing keyring. */
    public static MasterKeyring load(Path file) {
        if (!Files.exists(file)) {
            throw new CryptoException("master key file " + file + " does not exist; is --data (or"
                    + " GATEHOUSE_MASTER_KEY_FILE) pointing at the right place?");
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new CryptoException("master key file " + file + " is readable by others (permissions "
                        + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + file);
            }
            return parse(Files.readAllLines(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new CryptoException("cannot read master key file " + file + ": " + e.getMessage(), e);
        }
    }

    static MasterKeyring parse(List<String> lines, String source) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String last = null;
        int number = 0;
        for (String line : lines) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9_-]{1,32}")) {
                throw new CryptoException(source + " line " + number + ": expected 'KEY_ID BASE64URL_KEY'");
            }
            byte[] key;
            try {
                key = Base64.getUrlDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new CryptoException(source + " line " + number + ": key is not base64url: " + e.getMessage());
            }
            if (key.length != 32) {
                throw new CryptoException(source + " line " + number + ": expected a 32-byte key, got " + key.length
                        + " bytes");
            }
            if (keys.put(parts[0], key) != null) {
                throw new CryptoException(source + " line " + number + ": duplicate key id " + parts[0]);
            }
            last = parts[0];
        }
        if (last == null) {
            throw new CryptoException(source + " holds no key");
        }
        return new MasterKeyring(keys, last);
    }

    /**
     * Appends a new active key to the file (atomically: the file is rewritten beside and moved into place) and
     * returns the new keyring. Older keys stay in the file.
     */
    public static MasterKeyring addKey(Path file, SecureRandom random) {
        MasterKeyring current = load(file);
        int next = current.keys.size() + 1;
        while (current.keys.containsKey("mk" + next)) {
            next++;
        }
        try {
            String content = Files.readString(file, StandardCharsets.US_ASCII);
            if (!content.endsWith("\n")) {
                content += "\n";
            }
            content += "mk" + next + " " + newKeyText(random) + "\n";
            Path temporary = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CryptoException("cannot add a key to " + file + ": " + e.getMessage(), e);
        }
        return load(file);
    }

    private static String newKeyText(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public List<String> keyIds() {
        return new ArrayList<>(keys.keySet());
    }

    public boolean contains(String keyId) {
        return keys.containsKey(keyId);
    }

    /** The key for {@code purpose} derived from master key {@code keyId}. */
    public byte[] derive(String keyId, String purpose) {
        return derived.computeIfAbsent(keyId + "/" + purpose, ignored -> computeDerived(keyId, purpose)).clone();
    }

    private byte[] computeDerived(String keyId, String purpose) {
        byte[] master = Optional.ofNullable(keys.get(keyId))
                .orElseThrow(() -> new CryptoException("master key '" + keyId + "' is not in the keyring "
                        + keys.keySet() + "; was the key file replaced?"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return mac.doFinal(("gatehouse/v1/" + purpose).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("HMAC-SHA256 is unavailable", e);
        }
    }
}
