package io.gatehouse.reader;

import io.gatehouse.protocol.codec.Base64Url;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * The one-time provisioning token an administrator gives a reader, in either of its two forms:
 * <ul>
 *   <li>the token, {@code ghp_} + unpadded base64url of the server's base URL (UTF-8) + {@code .} +
 *       the secret;</li>
 *   <li>the provisioning URL, {@code {base}/reader-enroll/{secret}}, where the base is
 *       {@code scheme://host[:port]}.</li>
 * </ul>
 *
 * @param serverBase the server's base URL, {@code http} or {@code https}, without a path; not null
 * @param secret the single-use secret; not null, not empty; never shown in messages
 */
public record ProvisioningToken(URI serverBase, String secret) {

    /** The prefix of the token form. */
    public static final String PREFIX = "ghp_";

    /** The path segment before the secret in the URL form. */
    public static final String ENROLL_PATH = "/reader-enroll/";

    private static final int MAX_LENGTH = 4096;

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the secret is empty
     */
    public ProvisioningToken {
        Objects.requireNonNull(serverBase, "serverBase");
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("provisioning token: the secret must not be empty");
        }
    }

    /**
     * Reads a token or a provisioning URL. Surrounding whitespace is ignored (a pasted token often has a
     * line break).
     *
     * @param text the token or URL; not null
     * @return the token, never null
     * @throws NullPointerException if {@code text} is null
     * @throws ReaderException with code {@code invalid_token} naming what is wrong (never the secret)
     */
    public static ProvisioningToken parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        if (trimmed.length() > MAX_LENGTH) {
            throw invalid("expected at most " + MAX_LENGTH + " characters, got " + trimmed.length());
        }
        if (trimmed.startsWith(PREFIX)) {
            return parseToken(trimmed.substring(PREFIX.length()));
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return parseUrl(trimmed);
        }
        throw invalid("expected a token starting with " + PREFIX + " or an http(s) provisioning URL");
    }

    private static ProvisioningToken parseToken(String body) {
        int dot = body.indexOf('.');
        if (dot <= 0 || dot == body.length() - 1) {
            throw invalid("expected " + PREFIX + "<base64url server URL>.<secret>, found no '.' between two parts");
        }
        String encodedUrl = body.substring(0, dot);
        String secret = body.substring(dot + 1);
        requireSecretCharacters(secret);
        String url;
        try {
            url = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64Url.decode(encodedUrl)))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw invalid("the part before '.' is not base64url of a UTF-8 URL: " + e.getMessage());
        }
        return new ProvisioningToken(baseOf(url, false), secret);
    }

    private static ProvisioningToken parseUrl(String text) {
        URI uri = toUri(text);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.startsWith(ENROLL_PATH)) {
            // The path is not shown: it may hold the secret under a mistyped prefix.
            throw invalid("expected a URL whose path is " + ENROLL_PATH + "<secret>, got another path");
        }
        String secret = path.substring(ENROLL_PATH.length());
        if (secret.isEmpty() || secret.contains("/")) {
            throw invalid("expected exactly one path segment after " + ENROLL_PATH);
        }
        requireSecretCharacters(secret);
        return new ProvisioningToken(baseOf(text, true), secret);
    }

    /** The scheme, host and port of a URL; a path is refused in the token form (it names the base only). */
    private static URI baseOf(String text, boolean pathAllowed) {
        URI uri = toUri(text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("expected an http or https server URL, got scheme '" + scheme + "'");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw invalid("expected a server URL with a host and no user info");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!pathAllowed && !path.isEmpty() && !path.equals("/")) {
            throw invalid("expected the server's base URL (scheme://host:port), got a path '" + path + "'");
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw invalid("cannot rebuild the server URL: " + e.getMessage());
        }
    }

    private static URI toUri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw invalid("not a URL: " + e.getReason());
        }
    }

    private static void requireSecretCharacters(String secret) {
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~';
            if (!allowed) {
                throw invalid("the secret may hold only A-Z a-z 0-9 - _ . ~, found another character at position " + i);
            }
        }
    }

    private static ReaderException invalid(String message) {
        return new ReaderException("invalid_token", "provisioning token: " + message);
    }

    /** Shows the server but never the secret. */
    @Override
    public String toString() {
        return "ProvisioningToken[serverBase=" + serverBase + ", secret=(" + secret.length() + " characters)]";
    }
}
