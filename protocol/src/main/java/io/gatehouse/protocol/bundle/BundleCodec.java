package io.gatehouse.protocol.bundle;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialKind;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.access.WeeklyWindow;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The signed binary form of a {@link ReaderBundle}, version 3 ({@code GHB3}).
 *
 * <p>Big-endian throughout. {@code str} is a u16 length followed by that many bytes of UTF-8;
 * {@code bytes} is a u16 length followed by the bytes. Trust levels are stored by
 * {@link DeviceTrust#wireCode()} (0 software, 1 hardware, 2 hardware+biometric, 3 synced), which is not
 * their order of strength.
 * <pre>
 * magic            4 B  "GHB3"
 * bundleVersion    u64  server-assigned, strictly increasing per reader (at most 2^63-1)
 * issuedAt         u64  epoch seconds (at most 2^63-1)
 * expiresAt        u64  epoch seconds, issuedAt + the door's maximum staleness
 * readerId         str
 * door             doorId str, zoneId str, siteTimeZone str (a java.time ZoneId),
 *                  proofLifetimeSeconds u32 (1..2^31-1), allowedSkewSeconds u32 (0..2^31-1),
 *                  requireUserVerification u8 (0 or 1), minimumTrust u8 (trust code),
 *                  offlineMode u8 (0 fail_secure, 1 fail_open)
 * trustedKeys      count u8 (1..255), each: keyId str, spki bytes
 * mintingKeys      count u8 (0..255), each: keyId u8 (1..255), spki bytes
 * credentials      count u32, each: credentialId 16 B, userId str, deviceId str,
 *                  kind u8 (0 device key, 1 passkey), key bytes (device key: spki; passkey: empty),
 *                  trust u8 (trust code), flags u8 (bit 0 credential active, bit 1 user active, bits 2-7 zero),
 *                  roles count u8 + str each (written sorted)
 * revoked          count u32, each: credentialId 16 B
 * rules            count u32, each: zoneId str, kind u8 (0 role, 1 user), value str,
 *                  windows count u8, each: days u8 (bit 0 Monday .. bit 6 Sunday, bit 7 zero, not 0),
 *                  fromMinute u16 (0..1439), toMinute u16 (0..1439)
 * passes           count u32, each: handleDigest 32 B (SHA-256 of the handle), visitorId str,
 *                  validFrom u64, validUntil u64 (epoch seconds, validUntil > validFrom),
 *                  maxEntries u32 (1..2^31-1), entriesCounted u32 (0..maxEntries), flags u8 (zero)
 * signingKeyId     str
 * signature        64 B ECDSA P-256 / SHA-256, IEEE P1363 r || s
 * </pre>
 * The signature covers the ASCII label {@value #DOMAIN_LABEL} followed by every byte before the
 * signature, so the magic and the signing key id are signed too. Nothing may follow the signature.
 *
 * <p>Version 1 ({@code GHB1}, written by servers before minted proofs) is still parsed, so that a reader
 * upgraded before its server keeps deciding from the bundle it holds: it is version 2 without the
 * minting keys and without the credential kind and key-bytes split (every credential is a device key, its
 * spki in the place of the key bytes), and its trust bytes are 0..2. It has no minting keys, so a minted
 * proof is denied offline until the reader gets a version 2 bundle. Version 2 ({@code GHB2}) is version 3 without
 * the passes, so a visitor pass is {@code unknown_pass} offline until the reader gets a version 3 bundle. This code
 * writes version 3 only.
 *
 * <p>{@link #parse(byte[])} is total: any input, however hostile, yields a result and never an
 * exception, input above {@value #MAX_BYTES} bytes is refused before it is read, and every count is
 * checked against the bytes that remain before anything is allocated for it, so a short input cannot
 * make the parser allocate much more than its own size.
 */
public final class BundleCodec {

    // ---- Constants --------------------------------------------------------------------------------

    /** The four magic bytes of the format this code writes, ASCII {@code GHB3}. */
    public static final String MAGIC = "GHB3";

    /** The magic of the second format (minting keys, no passes), which is still parsed. */
    public static final String MAGIC_V2 = "GHB2";

    /** The magic of the first format, which is still parsed. */
    public static final String MAGIC_V1 = "GHB1";

    /** The domain-separation label that precedes the signed bytes. */
    public static final String DOMAIN_LABEL = "gatehouse.bundle.v1";

    /** The largest bundle accepted or produced: 64 MiB. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    /** The length of the signature, IEEE P1363 r || s. */
    public static final int SIGNATURE_LENGTH = 64;

    /** ECDSA over SHA-256 with the signature in IEEE P1363 form (64 bytes), not DER. */
    static final String ALGORITHM = "SHA256withECDSAinP1363Format";

    static final byte[] LABEL_BYTES = DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII);

    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_V2_BYTES = MAGIC_V2.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_V1_BYTES = MAGIC_V1.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_STRING_BYTES = 0xFFFF;
    private static final int MINUTES_PER_DAY = 24 * 60;
    private static final int FLAG_CREDENTIAL_ACTIVE = 0x01;
    private static final int FLAG_USER_ACTIVE = 0x02;
    private static final int KIND_ROLE = 0;
    private static final int KIND_USER = 1;
    private static final int CREDENTIAL_DEVICE_KEY = 0;
    private static final int CREDENTIAL_PASSKEY = 1;

    // The fewest bytes one entry of each list can take, used to check a count before allocating.
    private static final int MIN_TRUSTED_KEY = 2 + 2;
    private static final int MIN_MINTING_KEY = 1 + 2;
    private static final int MIN_CREDENTIAL = CredentialId.LENGTH + 2 + 2 + 2 + 1 + 1 + 1;
    private static final int MIN_RULE = 2 + 1 + 2 + 1;
    private static final int MIN_ROLE = 2;
    private static final int MIN_PASS = BundlePass.DIGEST_LENGTH + 2 + 8 + 8 + 4 + 4 + 1;
    private static final int WINDOW = 1 + 2 + 2;

    private BundleCodec() {
    }

    // ---- Encoding ---------------------------------------------------------------------------------

    /**
     * Encodes and signs a bundle.
     *
     * @param bundle the payload; not null
     * @param keyId the id of the signing key, as the reader pins it; not null, not blank
     * @param signingKey the server's bundle-signing key, EC P-256; not null
     * @return the signed bundle, a new array, never null
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key id is blank, a string is longer than 65535 UTF-8 bytes,
     *     the result would exceed {@value #MAX_BYTES} bytes, or the key is not an EC private key
     * @throws IllegalStateException if the key refuses to sign
     */
    public static byte[] encode(ReaderBundle bundle, String keyId, PrivateKey signingKey) {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signingKey, "signingKey");
        if (keyId.isBlank()) {
            throw new IllegalArgumentException("bundle: signing keyId must not be blank");
        }
        if (!"EC".equals(signingKey.getAlgorithm())) {
            throw new IllegalArgumentException("bundle: expected an EC P-256 signing key, got algorithm "
                    + signingKey.getAlgorithm());
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 + bundle.credentials().size() * 160);
        DataOutputStream out = new DataOutputStream(buffer);
        try {
            writeBody(out, bundle);
            writeString(out, keyId, "signingKeyId");
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        if (buffer.size() + SIGNATURE_LENGTH > MAX_BYTES) {
            throw new IllegalArgumentException("bundle: " + (buffer.size() + SIGNATURE_LENGTH)
                    + " bytes, more than the limit of " + MAX_BYTES);
        }
        byte[] signed = buffer.toByteArray();
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(signingKey);
            signer.update(LABEL_BYTES);
            signer.update(signed);
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign the bundle with key " + keyId + ": " + e.getMessage(), e);
        }
        return ByteBuffer.allocate(signed.length + SIGNATURE_LENGTH).put(signed).put(signature).array();
    }

    private static void writeBody(DataOutputStream out, ReaderBundle bundle) throws IOException {
        out.write(MAGIC_BYTES);
        out.writeLong(bundle.bundleVersion());
        out.writeLong(bundle.issuedAtEpochSecond());
        out.writeLong(bundle.expiresAtEpochSecond());
        writeString(out, bundle.readerId(), "readerId");

        DoorSettings door = bundle.door();
        writeString(out, door.doorId(), "doorId");
        writeString(out, door.zoneId(), "zoneId");
        writeString(out, door.siteTimeZone().getId(), "siteTimeZone");
        out.writeInt(door.proofLifetimeSeconds());
        out.writeInt(door.allowedSkewSeconds());
        out.writeByte(door.requireUserVerification() ? 1 : 0);
        out.writeByte(door.minimumTrust().wireCode());
        out.writeByte(bundle.offlineMode().code());

        out.writeByte(bundle.trustedKeys().size());
        for (TrustedKey key : bundle.trustedKeys()) {
            writeString(out, key.keyId(), "trusted keyId");
            writeBytes(out, PublicKeys.toSpki(key.publicKey()), "trusted key");
        }

        out.writeByte(bundle.mintingKeys().size());
        for (MintingKey key : bundle.mintingKeys()) {
            out.writeByte(key.keyId());
            writeBytes(out, PublicKeys.toSpki(key.publicKey()), "minting key");
        }

        out.writeInt(bundle.credentials().size());
        for (CredentialView credential : bundle.credentials()) {
            out.write(credential.id().bytes());
            writeString(out, credential.userId(), "userId");
            writeString(out, credential.deviceId(), "deviceId");
            out.writeByte(credential.kind() == CredentialKind.PASSKEY ? CREDENTIAL_PASSKEY : CREDENTIAL_DEVICE_KEY);
            writeBytes(out, credential.deviceKey().map(PublicKeys::toSpki).orElse(new byte[0]), "credential key");
            out.writeByte(credential.trust().wireCode());
            out.writeByte((credential.credentialActive() ? FLAG_CREDENTIAL_ACTIVE : 0)
                    | (credential.userActive() ? FLAG_USER_ACTIVE : 0));
            // Sorted, so that one bundle always has one encoding.
            Set<String> roles = new TreeSet<>(credential.roles());
            out.writeByte(roles.size());
            for (String role : roles) {
                writeString(out, role, "role");
            }
        }

        out.writeInt(bundle.revoked().size());
        for (CredentialId id : bundle.revoked()) {
            out.write(id.bytes());
        }

        out.writeInt(bundle.rules().size());
        for (AccessRule rule : bundle.rules()) {
            writeString(out, rule.zoneId(), "rule zoneId");
            out.writeByte(rule.role().isPresent() ? KIND_ROLE : KIND_USER);
            writeString(out, rule.role().or(rule::userId).orElseThrow(), "rule value");
            out.writeByte(rule.schedule().size());
            for (WeeklyWindow window : rule.schedule()) {
                int days = 0;
                for (DayOfWeek day : window.days()) {
                    days |= 1 << (day.getValue() - 1); // Monday is 1 in java.time, bit 0 here
                }
                out.writeByte(days);
                out.writeShort(minuteOfDay(window.from()));
                out.writeShort(minuteOfDay(window.to()));
            }
        }

        out.writeInt(bundle.passes().size());
        for (BundlePass pass : bundle.passes()) {
            out.write(pass.handleDigest());
            writeString(out, pass.visitorId(), "pass visitorId");
            out.writeLong(pass.validFromEpochSecond());
            out.writeLong(pass.validUntilEpochSecond());
            out.writeInt(pass.maxEntries());
            out.writeInt(pass.entriesCounted());
            out.writeByte(pass.flags());
        }
    }

    private static int minuteOfDay(LocalTime time) {
        return time.getHour() * 60 + time.getMinute();
    }

    private static void writeString(DataOutputStream out, String value, String field) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("bundle: " + field + " is " + utf8.length
                    + " UTF-8 bytes long, at most " + MAX_STRING_BYTES + " fit");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static void writeBytes(DataOutputStream out, byte[] value, String field) throws IOException {
        if (value.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("bundle: " + field + " is " + value.length + " bytes, at most "
                    + MAX_STRING_BYTES + " fit");
        }
        out.writeShort(value.length);
        out.write(value);
    }

    // ---- Parsing ----------------------------------------------------------------------------------

    /**
     * Parses a bundle without checking its signature (that is {@link BundleVerifier}'s step 3).
     *
     * @param bytes the bundle; may be null (yields {@link BundleParseResult.Malformed}); not modified,
     *     not retained
     * @return {@link BundleParseResult.Parsed} or {@link BundleParseResult.Malformed} with the offset and
     *     the reason; never null, and no exception for any input
     */
    public static BundleParseResult parse(byte[] bytes) {
        if (bytes == null) {
            return new BundleParseResult.Malformed(false, "no bytes (null)");
        }
        if (bytes.length > MAX_BYTES) {
            return new BundleParseResult.Malformed(false, "bundle of " + bytes.length
                    + " bytes is larger than the limit of " + MAX_BYTES);
        }
        Cursor in = new Cursor(bytes);
        try {
            return read(in);
        } catch (Truncated e) {
            return new BundleParseResult.Malformed(true, e.getMessage());
        } catch (Invalid e) {
            return new BundleParseResult.Malformed(false, e.getMessage());
        }
    }

    private static BundleParseResult read(Cursor in) {
        byte[] magic = in.bytes(MAGIC_BYTES.length, "magic");
        int format = Arrays.equals(magic, MAGIC_BYTES) ? 3 : Arrays.equals(magic, MAGIC_V2_BYTES) ? 2
                : Arrays.equals(magic, MAGIC_V1_BYTES) ? 1 : 0;
        if (format == 0) {
            throw in.invalid(0, "expected magic \"" + MAGIC + "\" (47 48 42 33), \"" + MAGIC_V2
                    + "\" (47 48 42 32) or \"" + MAGIC_V1 + "\" (47 48 42 31), got "
                    + HexFormat.ofDelimiter(" ").formatHex(magic));
        }
        boolean version1 = format == 1;
        in.version1 = version1;
        long version = in.u64NonNegative("bundleVersion");
        long issuedAt = in.u64NonNegative("issuedAt");
        long expiresAt = in.u64NonNegative("expiresAt");
        String readerId = in.string("readerId");

        int doorAt = in.position();
        String doorId = in.string("doorId");
        String zoneId = in.string("zoneId");
        int zoneAt = in.position();
        String zoneText = in.string("siteTimeZone");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw in.invalid(zoneAt, "siteTimeZone '" + shorten(zoneText) + "' is not a time zone id: " + e.getMessage());
        }
        int lifetime = in.u32AsInt("proofLifetimeSeconds");
        int skew = in.u32AsInt("allowedSkewSeconds");
        boolean requireUv = in.bool("requireUserVerification");
        DeviceTrust minimumTrust = in.trust("minimumTrust");
        int modeAt = in.position();
        int modeCode = in.u8("offlineMode");
        OfflineMode mode = OfflineMode.fromCode(modeCode)
                .orElseThrow(() -> in.invalid(modeAt, "offlineMode must be 0 (fail_secure) or 1 (fail_open), got " + modeCode));
        DoorSettings door;
        try {
            door = new DoorSettings(doorId, zoneId, zone, lifetime, skew, requireUv, minimumTrust);
        } catch (IllegalArgumentException e) {
            throw in.invalid(doorAt, "door: " + e.getMessage());
        }

        int keyCount = in.u8("trustedKeys count");
        in.requireRoom(keyCount, MIN_TRUSTED_KEY, "trusted keys");
        List<TrustedKey> trustedKeys = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) {
            int keyAt = in.position();
            String keyId = in.string("trusted keyId");
            PublicKey key = in.publicKey("trusted key " + i);
            try {
                trustedKeys.add(new TrustedKey(keyId, key));
            } catch (IllegalArgumentException e) {
                throw in.invalid(keyAt, e.getMessage());
            }
        }

        List<MintingKey> mintingKeys = version1 ? List.of() : readMintingKeys(in);

        int credentialsAt = in.position();
        int credentialCount = in.count(MIN_CREDENTIAL, "credentials");
        List<CredentialView> credentials = new ArrayList<>(credentialCount);
        for (int i = 0; i < credentialCount; i++) {
            credentials.add(readCredential(in, i));
        }

        int revokedCount = in.count(CredentialId.LENGTH, "revoked ids");
        List<CredentialId> revoked = new ArrayList<>(revokedCount);
        for (int i = 0; i < revokedCount; i++) {
            revoked.add(new CredentialId(in.bytes(CredentialId.LENGTH, "revoked id")));
        }

        int ruleCount = in.count(MIN_RULE, "rules");
        List<AccessRule> rules = new ArrayList<>(ruleCount);
        for (int i = 0; i < ruleCount; i++) {
            rules.add(readRule(in, i));
        }

        List<BundlePass> passes = format < 3 ? List.of() : readPasses(in);

        int keyIdAt = in.position();
        String signingKeyId = in.string("signingKeyId");
        if (signingKeyId.isBlank()) {
            throw in.invalid(keyIdAt, "signingKeyId must not be blank");
        }
        int signedLength = in.position();
        byte[] signature = in.bytes(SIGNATURE_LENGTH, "signature");
        if (in.remaining() != 0) {
            throw in.invalid(in.position(), "expected the end of the bundle after the signature, got "
                    + in.remaining() + " more bytes");
        }

        ReaderBundle bundle;
        try {
            bundle = new ReaderBundle(version, issuedAt, expiresAt, readerId, door, mode, trustedKeys, credentials,
                    revoked, rules, mintingKeys, passes);
        } catch (IllegalArgumentException e) {
            // Only the cross-field checks can fail here (every field was range-checked as it was read).
            throw in.invalid(credentialsAt, e.getMessage());
        }
        return new BundleParseResult.Parsed(bundle, signingKeyId, signature, signedLength);
    }

    private static List<MintingKey> readMintingKeys(Cursor in) {
        int count = in.u8("mintingKeys count");
        in.requireRoom(count, MIN_MINTING_KEY, "minting keys");
        List<MintingKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int keyAt = in.position();
            int keyId = in.u8("minting keyId");
            PublicKey key = in.publicKey("minting key " + keyId);
            try {
                keys.add(new MintingKey(keyId, key));
            } catch (IllegalArgumentException e) {
                throw in.invalid(keyAt, e.getMessage());
            }
        }
        return keys;
    }

    private static List<BundlePass> readPasses(Cursor in) {
        int count = in.count(MIN_PASS, "passes");
        List<BundlePass> passes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = in.position();
            byte[] digest = in.bytes(BundlePass.DIGEST_LENGTH, "pass handleDigest");
            String visitorId = in.string("pass visitorId");
            long from = in.u64NonNegative("pass validFrom");
            long until = in.u64NonNegative("pass validUntil");
            int maxEntries = in.u32AsInt("pass maxEntries");
            int counted = in.u32AsInt("pass entriesCounted");
            int flags = in.u8("pass flags");
            try {
                passes.add(new BundlePass(digest, visitorId, from, until, maxEntries, counted, flags));
            } catch (IllegalArgumentException e) {
                throw in.invalid(at, "pass " + i + ": " + e.getMessage());
            }
        }
        return passes;
    }

    private static CredentialView readCredential(Cursor in, int index) {
        int at = in.position();
        CredentialId id = new CredentialId(in.bytes(CredentialId.LENGTH, "credentialId"));
        String userId = in.string("userId");
        String deviceId = in.string("deviceId");
        CredentialKind kind = CredentialKind.DEVICE_KEY;
        if (!in.version1) {
            int kindAt = in.position();
            int kindCode = in.u8("credential kind");
            if (kindCode != CREDENTIAL_DEVICE_KEY && kindCode != CREDENTIAL_PASSKEY) {
                throw in.invalid(kindAt, "credential " + id + ": kind must be 0 (device key) or 1 (passkey), got "
                        + kindCode);
            }
            kind = kindCode == CREDENTIAL_PASSKEY ? CredentialKind.PASSKEY : CredentialKind.DEVICE_KEY;
        }
        Optional<PublicKey> key;
        if (kind == CredentialKind.PASSKEY) {
            int keyAt = in.position();
            int length = in.u16("credential " + id + " key length");
            if (length != 0) {
                throw in.invalid(keyAt, "credential " + id + ": a passkey credential has no key bytes, got "
                        + length);
            }
            key = Optional.empty();
        } else {
            key = Optional.of(in.publicKey("credential " + id));
        }
        DeviceTrust trust = in.trust("trust");
        int flagsAt = in.position();
        int flags = in.u8("flags");
        if ((flags & ~(FLAG_CREDENTIAL_ACTIVE | FLAG_USER_ACTIVE)) != 0) {
            throw in.invalid(flagsAt, String.format("credential %s: reserved flag bits set: 0x%02X"
                    + " (only bit 0, credential active, and bit 1, user active, are defined)", id, flags));
        }
        int roleCount = in.u8("roles count");
        in.requireRoom(roleCount, MIN_ROLE, "roles");
        List<String> roles = new ArrayList<>(roleCount);
        for (int i = 0; i < roleCount; i++) {
            roles.add(in.string("role"));
        }
        Set<String> roleSet = Set.copyOf(roles);
        if (roleSet.size() != roles.size()) {
            throw in.invalid(at, "credential " + id + " (index " + index + ") lists a role twice");
        }
        return new CredentialView(id, userId, deviceId, kind, key, (flags & FLAG_CREDENTIAL_ACTIVE) != 0,
                (flags & FLAG_USER_ACTIVE) != 0, trust, roleSet);
    }

    private static AccessRule readRule(Cursor in, int index) {
        int at = in.position();
        String zoneId = in.string("rule zoneId");
        int kindAt = in.position();
        int kind = in.u8("rule kind");
        if (kind != KIND_ROLE && kind != KIND_USER) {
            throw in.invalid(kindAt, "rule " + index + ": kind must be 0 (role) or 1 (user), got " + kind);
        }
        String value = in.string("rule value");
        int windowCount = in.u8("windows count");
        in.requireRoom(windowCount, WINDOW, "windows");
        List<WeeklyWindow> windows = new ArrayList<>(windowCount);
        for (int i = 0; i < windowCount; i++) {
            int windowAt = in.position();
            int days = in.u8("days");
            if (days == 0 || (days & 0x80) != 0) {
                throw in.invalid(windowAt, String.format("rule %d: days must be a non-zero bitmask of bits 0"
                        + " (Monday) to 6 (Sunday), got 0x%02X", index, days));
            }
            LocalTime from = in.minuteOfDay("fromMinute");
            LocalTime to = in.minuteOfDay("toMinute");
            Set<DayOfWeek> daySet = EnumSet.noneOf(DayOfWeek.class);
            for (int bit = 0; bit < 7; bit++) {
                if ((days & (1 << bit)) != 0) {
                    daySet.add(DayOfWeek.of(bit + 1));
                }
            }
            windows.add(new WeeklyWindow(daySet, from, to));
        }
        try {
            return new AccessRule(zoneId, kind == KIND_ROLE ? Optional.of(value) : Optional.empty(),
                    kind == KIND_USER ? Optional.of(value) : Optional.empty(), windows);
        } catch (IllegalArgumentException e) {
            throw in.invalid(at, "rule " + index + ": " + e.getMessage());
        }
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    // ---- Private helpers --------------------------------------------------------------------------

    /** The input ended early. Control flow inside {@link #parse}; never escapes it. */
    private static final class Truncated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Truncated(String message) {
            super(message, null, false, false);
        }
    }

    /** The input is complete but wrong. Control flow inside {@link #parse}; never escapes it. */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads fields from the input, checking every length against what remains. */
    private static final class Cursor {

        private final byte[] bytes;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private int position;
        /** Set once the magic is read: a version 1 bundle knows fewer trust levels and fields. */
        private boolean version1;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        int position() {
            return position;
        }

        int remaining() {
            return bytes.length - position;
        }

        Invalid invalid(int at, String message) {
            return new Invalid("at byte " + at + ": " + message);
        }

        private void need(int length, String field) {
            if (remaining() < length) {
                throw new Truncated("at byte " + position + ": expected " + length + " bytes of " + field
                        + ", got " + remaining() + " (the bundle of " + bytes.length + " bytes ends there)");
            }
        }

        byte[] bytes(int length, String field) {
            need(length, field);
            byte[] value = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return value;
        }

        int u8(String field) {
            need(1, field);
            return bytes[position++] & 0xFF;
        }

        int u16(String field) {
            need(2, field);
            int value = ((bytes[position] & 0xFF) << 8) | (bytes[position + 1] & 0xFF);
            position += 2;
            return value;
        }

        long u32(String field) {
            need(4, field);
            long value = ((long) (bytes[position] & 0xFF) << 24) | ((bytes[position + 1] & 0xFF) << 16)
                    | ((bytes[position + 2] & 0xFF) << 8) | (bytes[position + 3] & 0xFF);
            position += 4;
            return value;
        }

        int u32AsInt(String field) {
            int at = position;
            long value = u32(field);
            if (value > Integer.MAX_VALUE) {
                throw invalid(at, field + " must be at most " + Integer.MAX_VALUE + ", got " + value);
            }
            return (int) value;
        }

        long u64NonNegative(String field) {
            need(8, field);
            int at = position;
            long value = ByteBuffer.wrap(bytes, position, 8).getLong();
            position += 8;
            if (value < 0) {
                throw invalid(at, field + " must be at most 2^63-1, got " + Long.toUnsignedString(value));
            }
            return value;
        }

        boolean bool(String field) {
            int at = position;
            int value = u8(field);
            if (value > 1) {
                throw invalid(at, field + " must be 0 or 1, got " + value);
            }
            return value == 1;
        }

        DeviceTrust trust(String field) {
            int at = position;
            int value = u8(field);
            Optional<DeviceTrust> trust = DeviceTrust.fromWireCode(value)
                    .filter(level -> !version1 || level != DeviceTrust.SYNCED);
            if (trust.isEmpty()) {
                throw invalid(at, field + " must be 0 (software), 1 (hardware), 2 (hardware+biometric)"
                        + (version1 ? " in a GHB1 bundle" : " or 3 (synced)") + ", got " + value);
            }
            return trust.get();
        }

        LocalTime minuteOfDay(String field) {
            int at = position;
            int minute = u16(field);
            if (minute >= MINUTES_PER_DAY) {
                throw invalid(at, field + " must be 0..1439 (minutes after midnight), got " + minute);
            }
            return LocalTime.of(minute / 60, minute % 60);
        }

        String string(String field) {
            int at = position;
            int length = u16(field + " length");
            need(length, field);
            try {
                CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes, position, length));
                position += length;
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw invalid(at, field + " is not valid UTF-8 (" + length + " bytes)");
            }
        }

        PublicKey publicKey(String field) {
            int at = position;
            int length = u16(field + " length");
            byte[] spki = bytes(length, field);
            try {
                return PublicKeys.fromSpki(spki);
            } catch (IllegalArgumentException e) {
                throw invalid(at, field + ": " + e.getMessage());
            }
        }

        /** Reads a u32 count and checks that that many entries of at least {@code minimum} bytes fit. */
        int count(int minimum, String what) {
            int at = position;
            long count = u32(what + " count");
            if (count * minimum > remaining()) {
                throw new Truncated("at byte " + at + ": " + count + " " + what + " need at least " + count * minimum
                        + " bytes, only " + remaining() + " remain");
            }
            return (int) count; // count * minimum <= remaining < 2^31, so count fits
        }

        void requireRoom(int count, int minimum, String what) {
            if ((long) count * minimum > remaining()) {
                throw new Truncated("at byte " + position + ": " + count + " " + what + " need at least "
                        + (long) count * minimum + " bytes, only " + remaining() + " remain");
            }
        }
    }
}
