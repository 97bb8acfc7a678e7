package io.gatehouse.protocol.otp;

import io.gatehouse.protocol.codec.Base32;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code otpauth://} Key URI Format that authenticator apps scan from enrolment QR codes
 * (Google Authenticator wiki, "Key Uri Format").
 *
 * <p>Built URIs always spell out {@code algorithm}, {@code digits} and {@code period}, even at
 * their defaults: being explicit costs a few QR modules, and an app that ignores them is caught
 * by the first-code check at enrolment instead of failing later.
 *
 * <p>Percent-encoding follows RFC 3986: every UTF-8 byte except the unreserved characters
 * {@code A-Z a-z 0-9 - . _ ~} is encoded, so a space is {@code %20}, never {@code +}.
 * Parsing likewise treats {@code +} as a literal plus sign.
 */
public final class OtpAuthUri {

    private static final String SCHEME = "otpauth://";
    private static final String TYPE_TOTP = "totp";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private OtpAuthUri() {
    }

    /**
     * The contents of a parsed {@code otpauth://totp/} URI.
     *
     * @param type the OTP type, lower case; currently always {@code "totp"}
     * @param issuer the provider name; null when the URI names none (neither a label prefix nor
     *     an {@code issuer} parameter)
     * @param account the account name from the label; not null, not empty
     * @param secret the shared secret; not null, not empty; copied on the way in and out
     * @param params the algorithm, digits and period, with the Key URI defaults (SHA1, 6, 30)
     *     for absent parameters; not null
     */
    public record Parsed(String type, String issuer, String account, byte[] secret, TotpParameters params) {

        /**
         * Validates and copies.
         *
         * @throws NullPointerException if anything but {@code issuer} is null
         * @throws IllegalArgumentException if {@code account} or {@code secret} is empty
         */
        public Parsed {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(params, "params");
            if (account.isEmpty()) {
                throw new IllegalArgumentException("otpauth account: expected a non-empty name, got \"\"");
            }
            if (secret.length == 0) {
                throw new IllegalArgumentException("otpauth secret: expected at least 1 byte, got 0");
            }
            secret = secret.clone();
        }

        /**
         * The shared secret.
         *
         * @return a new copy; never null
         */
        @Override
        public byte[] secret() {
            return secret.clone();
        }

        /** Compares secrets by content, in constant time. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Parsed p
                    && type.equals(p.type)
                    && Objects.equals(issuer, p.issuer)
                    && account.equals(p.account)
                    && params.equals(p.params)
                    && MessageDigest.isEqual(secret, p.secret);
        }

        /** Leaves the secret out, so that hash codes stored or logged say nothing about it. */
        @Override
        public int hashCode() {
            return Objects.hash(type, issuer, account, params);
        }

        /** Shows the secret's length only. */
        @Override
        public String toString() {
            return "Parsed[type=" + type + ", issuer=" + issuer + ", account=" + account
                    + ", secret=(" + secret.length + " bytes), params=" + params + "]";
        }
    }

    /**
     * Builds an enrolment URI:
     * {@code otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=A&digits=D&period=P}.
     *
     * @param issuer the provider name shown in the app, for example {@code "Gatehouse"}; not
     *     null, not empty, no {@code ':'}, well-formed Unicode
     * @param accountName the user's account, for example an e-mail address; not null, not
     *     empty, no {@code ':'}, well-formed Unicode
     * @param secret the shared secret; not null, not empty; written as unpadded Base32
     * @param params the algorithm, digits and period; not null
     * @return the URI, pure ASCII; never null
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code issuer} or {@code accountName} is empty,
     *     contains {@code ':'} (it separates them in the label) or an unpaired surrogate, or
     *     {@code secret} is empty
     */
    public static String totp(String issuer, String accountName, byte[] secret, TotpParameters params) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(accountName, "accountName");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(params, "params");
        checkLabelPart("issuer", issuer);
        checkLabelPart("account name", accountName);
        if (secret.length == 0) {
            throw new IllegalArgumentException("otpauth secret: expected at least 1 byte, got 0");
        }
        String encodedIssuer = percentEncode("issuer", issuer);
        return SCHEME + TYPE_TOTP + '/' + encodedIssuer + ':' + percentEncode("account name", accountName)
                + "?secret=" + Base32.encode(secret)
                + "&issuer=" + encodedIssuer
                + "&algorithm=" + params.algorithm().uriName()
                + "&digits=" + params.digits()
                + "&period=" + params.periodSeconds();
    }

    /**
     * Parses an {@code otpauth://totp/} URI, as produced by {@link #totp} or by other servers.
     *
     * <p>Accepted: scheme and type in any case; a label of {@code ACCOUNT} or
     * {@code ISSUER:ACCOUNT} with the colon literal or as {@code %3A} and optional spaces before
     * the account; parameters in any order; a lower-case or padded secret; unknown parameters
     * (ignored, like {@code image}). Missing {@code algorithm}, {@code digits} and
     * {@code period} take the Key URI defaults SHA1, 6 and 30.
     *
     * @param uri the URI; not null
     * @return the parsed contents; never null
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException if the URI is malformed: wrong scheme, a type other than
     *     {@code totp}, no label or query, a fragment, a bad percent-escape, raw non-ASCII or
     *     control characters, bytes that are not UTF-8, an empty or colon-containing issuer or
     *     account, a duplicated parameter, a missing or invalid secret, an issuer parameter that
     *     differs from the label's issuer prefix, or out-of-range parameters. The message names
     *     the part at fault
     */
    public static Parsed parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new IllegalArgumentException("otpauth URI: expected to start with \"" + SCHEME + "\", got \""
                    + abbreviate(uri) + "\"");
        }
        if (uri.indexOf('#') >= 0) {
            throw new IllegalArgumentException("otpauth URI: expected no fragment, got '#' at index " + uri.indexOf('#'));
        }
        int typeEnd = uri.indexOf('/', SCHEME.length());
        int queryStart = uri.indexOf('?', SCHEME.length());
        if (typeEnd < 0 || (queryStart >= 0 && queryStart < typeEnd)) {
            throw new IllegalArgumentException("otpauth URI: expected otpauth://TYPE/LABEL?PARAMETERS, got no '/' after the type");
        }
        String type = uri.substring(SCHEME.length(), typeEnd).toLowerCase(Locale.ROOT);
        if (!type.equals(TYPE_TOTP)) {
            throw new IllegalArgumentException("otpauth type: expected \"" + TYPE_TOTP + "\", got \"" + type + "\"");
        }
        if (queryStart < 0) {
            throw new IllegalArgumentException("otpauth URI: expected a query with at least secret=..., got no '?'");
        }

        String label = percentDecode("label", uri.substring(typeEnd + 1, queryStart));
        String labelIssuer = null;
        String account = label;
        int colon = label.indexOf(':');
        if (colon >= 0) {
            labelIssuer = label.substring(0, colon);
            account = label.substring(colon + 1).stripLeading();
            checkLabelPart("label issuer", labelIssuer);
        }
        checkLabelPart("account name", account);

        Map<String, String> query = parseQuery(uri.substring(queryStart + 1));
        String secretText = query.get("secret");
        if (secretText == null) {
            throw new IllegalArgumentException("otpauth URI: expected a secret parameter, got none");
        }
        byte[] secret;
        try {
            secret = Base32.decode(secretText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("otpauth secret: " + e.getMessage(), e);
        }

        String issuer = query.get("issuer");
        if (issuer != null) {
            checkLabelPart("issuer parameter", issuer);
            if (labelIssuer != null && !labelIssuer.equals(issuer)) {
                throw new IllegalArgumentException("otpauth issuer: expected the issuer parameter to equal the label prefix \""
                        + labelIssuer + "\", got \"" + issuer + "\"");
            }
        } else {
            issuer = labelIssuer;
        }

        String algorithm = query.get("algorithm");
        TotpParameters params = new TotpParameters(
                algorithm == null ? TotpParameters.DEFAULT.algorithm() : OtpAlgorithm.parse(algorithm),
                parseSmallInt("digits", query.get("digits"), TotpParameters.DEFAULT.digits()),
                parseSmallInt("period", query.get("period"), TotpParameters.DEFAULT.periodSeconds()));
        return new Parsed(type, issuer, account, secret, params);
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> result = new HashMap<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                // Tolerates "?&secret=..." and a trailing '&', which hand-assembled URIs often have.
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("otpauth query: expected NAME=VALUE, got \"" + abbreviate(pair) + "\"");
            }
            String name = percentDecode("parameter name", pair.substring(0, eq));
            String value = percentDecode("parameter " + name, pair.substring(eq + 1));
            if (result.putIfAbsent(name, value) != null) {
                // Two secrets or issuers would leave the app and the server disagreeing on which applies.
                throw new IllegalArgumentException("otpauth query: expected parameter " + name + " once, got it twice");
            }
        }
        return result;
    }

    private static int parseSmallInt(String name, String value, int absent) {
        if (value == null) {
            return absent;
        }
        // Integer.parseInt would accept "+6" and non-ASCII digits.
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("otpauth " + name + ": expected a decimal integer, got \"" + abbreviate(value) + "\"");
        }
        return Integer.parseInt(value);
    }

    private static void checkLabelPart(String what, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("otpauth " + what + ": expected a non-empty name, got \"\"");
        }
        int colon = value.indexOf(':');
        if (colon >= 0) {
            throw new IllegalArgumentException("otpauth " + what + ": expected no ':' (it separates issuer and account), got one at index "
                    + colon + " in \"" + value + "\"");
        }
    }

    private static String percentEncode(String what, String value) {
        ByteBuffer utf8;
        try {
            utf8 = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            // getBytes(UTF_8) would silently turn an unpaired surrogate into '?'.
            throw new IllegalArgumentException("otpauth " + what + ": expected well-formed Unicode, got an unpaired surrogate", e);
        }
        StringBuilder out = new StringBuilder(utf8.remaining() * 3);
        while (utf8.hasRemaining()) {
            int b = utf8.get() & 0xFF;
            if (isUnreserved(b)) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >>> 4]).append(HEX[b & 0x0F]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static String percentDecode(String what, String value) {
        byte[] bytes = new byte[value.length()];
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int hi = i + 1 < value.length() ? hexValue(value.charAt(i + 1)) : -1;
                int lo = i + 2 < value.length() ? hexValue(value.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("otpauth " + what + ": expected '%' followed by two hex digits at index "
                            + i + ", got \"" + value.substring(i, Math.min(value.length(), i + 3)) + "\"");
                }
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c < 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("otpauth " + what + ": expected printable ASCII or percent-escapes, got "
                        + String.format("U+%04X", (int) c) + " at index " + i);
            } else {
                bytes[n++] = (byte) c;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("otpauth " + what + ": expected percent-escapes to form UTF-8, got invalid bytes", e);
        }
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /** Keeps messages short when a whole URI or query pair is echoed back. */
    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
