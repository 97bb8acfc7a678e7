package io.gatehouse.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.wallet.internal.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PKCS12Attribute;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps a {@link Wallet} in a PKCS#12 keystore file: one private-key entry (alias
 * {@value #KEY_ALIAS}) whose certificate is a self-signed placeholder for the public key, and whose
 * bag attribute {@value #METADATA_OID} holds the rest of the wallet as JSON (credential id, device id,
 * trust, server URL, device facts, rotation). {@code keytool -list -v -storetype PKCS12 -keystore FILE}
 * shows it.
 *
 * <p>The file is encrypted with the password from the environment variable
 * {@value #PASSWORD_VARIABLE}; when it is not set, with the fixed default password
 * {@value #DEFAULT_PASSWORD}, after a warning that the file is then protected only by its file
 * permissions. Either way the file is written atomically (a temporary file in the same directory,
 * flushed, then moved over the old one) with owner-only permissions ({@code rw-------}), and a file
 * readable by others is refused on load, as ssh does for private keys.
 */
public final class WalletStore {

    /** The environment variable that holds the keystore password. */
    public static final String PASSWORD_VARIABLE = "GATEHOUSE_WALLET_PASSWORD";

    /**
     * The password used when {@value #PASSWORD_VARIABLE} is not set. It is public, so it protects
     * nothing: the file's owner-only permissions are then the only protection of the key.
     */
    public static final String DEFAULT_PASSWORD = "gatehouse-wallet";

    /** The keystore alias of the credential's key entry. */
    public static final String KEY_ALIAS = "gatehouse-credential";

    /**
     * The PKCS#12 bag attribute that holds the wallet metadata as UTF-8 JSON: an OID under the UUID arc
     * 2.25 (ITU-T X.667), so it needs no registration.
     */
    public static final String METADATA_OID = "2.25.173089275955600016671809555997058960525";

    private static final int METADATA_FORMAT = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final char[] password;

    // ---- Factories --------------------------------------------------------------------------------

    /**
     * Creates a store for a file with an explicit password.
     *
     * @param file the keystore file; not null; need not exist yet
     * @param password the keystore password; not null; copied
     * @throws NullPointerException if an argument is null
     */
    public WalletStore(Path file, char[] password) {
        this.file = Objects.requireNonNull(file, "file");
        this.password = Objects.requireNonNull(password, "password").clone();
    }

    /**
     * Creates a store whose password comes from {@value #PASSWORD_VARIABLE} in the given environment,
     * or is {@value #DEFAULT_PASSWORD} after printing a warning.
     *
     * @param file the keystore file; not null
     * @param environment the process environment, usually {@link System#getenv()}; not null
     * @param warnings where the warning about the default password goes (stderr); not null
     * @return the store, never null
     * @throws NullPointerException if an argument is null
     */
    public static WalletStore fromEnvironment(Path file, Map<String, String> environment, PrintWriter warnings) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(warnings, "warnings");
        String password = environment.get(PASSWORD_VARIABLE);
        if (password == null || password.isEmpty()) {
            warnings.println("warning: " + PASSWORD_VARIABLE + " is not set, so " + file + " is encrypted with the"
                    + " public default password \"" + DEFAULT_PASSWORD + "\" and the key in it is protected only by"
                    + " the file's owner-only permissions (600). Set " + PASSWORD_VARIABLE + " to encrypt it.");
            warnings.flush();
            password = DEFAULT_PASSWORD;
        }
        return new WalletStore(file, password.toCharArray());
    }

    /**
     * Returns the keystore file.
     *
     * @return the path, never null
     */
    public Path file() {
        return file;
    }

    /**
     * Tells whether the file exists.
     *
     * @return true if a file (or anything else) exists at the path
     */
    public boolean exists() {
        return Files.exists(file);
    }

    // ---- Loading ----------------------------------------------------------------------------------

    /**
     * Reads the wallet.
     *
     * @return the wallet, never null
     * @throws WalletException with code {@code wallet_not_found} if the file does not exist,
     *     {@code wallet_permissions} if group or others may read or write it, {@code wallet_password} if
     *     the password does not open it, {@code wallet_unreadable} if it is not a Gatehouse wallet
     */
    public Wallet load() {
        byte[] bytes;
        try {
            requireOwnerOnly();
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WalletException("wallet_not_found", "wallet file " + file + " does not exist; enrol first", e);
        } catch (IOException e) {
            throw new WalletException("wallet_unreadable", "cannot read wallet file " + file + ": " + e.getMessage(), e);
        }
        KeyStore keyStore;
        try {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new WalletException("wallet_password", "cannot open wallet file " + file
                        + ": wrong password (is " + PASSWORD_VARIABLE + " the one it was written with?)", e);
            }
            throw new WalletException("wallet_unreadable", "wallet file " + file + " is not a PKCS#12 keystore: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new WalletException("wallet_unreadable", "cannot open wallet file " + file + ": " + e.getMessage(), e);
        }
        return fromKeyStore(keyStore);
    }

    private Wallet fromKeyStore(KeyStore keyStore) {
        KeyStore.PrivateKeyEntry entry;
        try {
            KeyStore.Entry found = keyStore.getEntry(KEY_ALIAS, new KeyStore.PasswordProtection(password));
            if (!(found instanceof KeyStore.PrivateKeyEntry privateKeyEntry)) {
                throw new WalletException("wallet_unreadable", "wallet file " + file + ": expected a private key entry '"
                        + KEY_ALIAS + "', found " + (found == null ? "none" : found.getClass().getSimpleName()));
            }
            entry = privateKeyEntry;
        } catch (GeneralSecurityException e) {
            throw new WalletException("wallet_password", "cannot open the key in wallet file " + file + ": " + e.getMessage(), e);
        }
        String metadata = entry.getAttributes().stream()
                .filter(attribute -> METADATA_OID.equals(attribute.getName()))
                .map(KeyStore.Entry.Attribute::getValue)
                .findFirst()
                .orElseThrow(() -> new WalletException("wallet_unreadable", "wallet file " + file
                        + ": the key entry has no Gatehouse metadata attribute " + METADATA_OID));
        PrivateKey privateKey = entry.getPrivateKey();
        X509Certificate certificate = (X509Certificate) entry.getCertificate();
        try {
            JsonNode json = JSON.readTree(metadata);
            int format = json.path("format").asInt(-1);
            if (format != METADATA_FORMAT) {
                throw new WalletException("wallet_unreadable", "wallet file " + file + ": expected metadata format "
                        + METADATA_FORMAT + ", got " + json.path("format"));
            }
            JsonNode device = json.path("device");
            return new Wallet(
                    CredentialId.parse(json.path("credentialId").asText()),
                    json.path("deviceId").asText(),
                    DeviceTrust.parse(json.path("trust").asText()),
                    new KeyPair(certificate.getPublicKey(), privateKey),
                    URI.create(json.path("serverBaseUrl").asText()),
                    new DeviceFacts(device.path("model").asText(), device.path("os").asText(),
                            device.path("appVersion").asText()),
                    Duration.ofSeconds(json.path("rotationSeconds").asLong()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof WalletException walletException) {
                throw walletException;
            }
            throw new WalletException("wallet_unreadable", "wallet file " + file + ": invalid metadata: " + e.getMessage(), e);
        }
    }

    // ---- Saving -----------------------------------------------------------------------------------

    /**
     * Writes the wallet, replacing the file atomically: a reader sees the old file or the new one, never
     * a mix, and a crash leaves at most a stray temporary file next to it.
     *
     * @param wallet the wallet; not null
     * @param clock dates the placeholder certificate; not null
     * @throws WalletException with code {@code wallet_unwritable} if the file cannot be written
     */
    public void save(Wallet wallet, Clock clock) {
        Objects.requireNonNull(wallet, "wallet");
        Objects.requireNonNull(clock, "clock");
        byte[] keystore = encode(wallet, clock);
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp", ownerOnlyAttribute());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(keystore);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException e) {
            throw new WalletException("wallet_unwritable", "cannot write wallet file " + file + ": " + e, e);
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

    private byte[] encode(Wallet wallet, Clock clock) {
        try {
            KeyPair keyPair = new KeyPair(wallet.publicKey(), wallet.privateKey());
            X509Certificate certificate = SelfSignedCertificate.create(keyPair,
                    "Gatehouse wallet credential " + wallet.credentialId(), clock.instant(), new SecureRandom());
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setEntry(KEY_ALIAS,
                    new KeyStore.PrivateKeyEntry(wallet.privateKey(), new Certificate[] {certificate},
                            Set.of(new PKCS12Attribute(METADATA_OID, metadataJson(wallet)))),
                    new KeyStore.PasswordProtection(password));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            keyStore.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new WalletException("wallet_unwritable", "cannot encode the wallet as PKCS#12: " + e.getMessage(), e);
        }
    }

    private static String metadataJson(Wallet wallet) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", METADATA_FORMAT);
        json.put("credentialId", wallet.credentialId().toString());
        json.put("deviceId", wallet.deviceId());
        json.put("trust", wallet.trust().code());
        json.put("serverBaseUrl", wallet.serverBaseUrl().toString());
        ObjectNode device = json.putObject("device");
        device.put("model", wallet.device().model());
        device.put("os", wallet.device().os());
        device.put("appVersion", wallet.device().appVersion());
        json.put("rotationSeconds", wallet.rotation().toSeconds());
        // A JSON object starts with '{', so PKCS12Attribute keeps it as one UTF8String value (a value in
        // square brackets would be split into several).
        return JSON.writeValueAsString(json);
    }

    // ---- Permissions ------------------------------------------------------------------------------

    private FileAttribute<?>[] ownerOnlyAttribute() {
        return isPosix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    private void requireOwnerOnly() throws IOException {
        if (!isPosix()) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw new WalletException("wallet_permissions", "wallet file " + file + " has permissions "
                    + PosixFilePermissions.toString(permissions) + ", expected rw------- (600) or stricter,"
                    + " because others could copy the key; run: chmod 600 " + file);
        }
    }

    private boolean isPosix() {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
