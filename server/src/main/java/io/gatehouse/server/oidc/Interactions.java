package io.gatehouse.server.oidc;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.crypto.MasterKeyring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authorization request waiting for its person to sign in, carried by the sign-in page itself rather than kept
 * on the server: the page's hidden {@code interaction} field holds the request, when it was shown and the hash of
 * the browser's {@code gh_signin} cookie, under an HMAC with a key derived from the master key. Showing the page
 * therefore writes nothing (a crawler or an attacker requesting sign-in pages fills no table), and a sign-in can
 * only complete in the browser that was shown the page: a forged form posted from elsewhere lacks the cookie
 * (SameSite=Lax keeps it off cross-site posts), and an interaction lifted from one browser fails in another
 * (login CSRF: nobody can sign a victim's browser in as themselves).
 */
final class Interactions {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final String PURPOSE = "oidc-interaction";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_LENGTH = 8192;

    private final MasterKeyring keyring;
    private final Clock clock;
    private final SecureRandom random;

    Interactions(MasterKeyring keyring, Clock clock, SecureRandom random) {
        this.keyring = keyring;
        this.clock = clock;
        this.random = random;
    }

    /** What the field says: the request's query string, the client it is for, and when the page was shown. */
    record Interaction(String clientId, String query, long shownAt) {
    }

    /** The sealed field's content; {@code k} names the master key, {@code b} is the cookie's SHA-256. */
    private record Sealed(String k, String c, String q, long t, String b) {
    }

    /** A new value for the browser's cookie, when it has none. */
    String newBrowserSecret() {
        return Ids.randomBase32(random, 20);
    }

    /** The field of a page shown now, for {@code query} of {@code clientId}, to the browser holding the cookie. */
    String seal(String clientId, String query, String browserSecret) {
        String keyId = keyring.activeKeyId();
        byte[] payload = Json.write(new Sealed(keyId, clientId, query, clock.millis(),
                ENCODER.encodeToString(Ids.sha256(browserSecret))))
                .getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(keyId, payload));
    }

    /**
     * The interaction a page posted back: 1 the field has the sealed shape, 2 its key is in the keyring and its MAC
     * is right (constant time), 3 it was shown less than {@link #LIFETIME} ago, 4 to the browser that holds the
     * cookie whose hash it carries. One answer for every refusal: the person starts again from the application.
     */
    Interaction open(String field, String browserSecret) {
        if (field == null || field.length() > MAX_LENGTH || browserSecret == null) {
            throw expired();
        }
        int dot = field.indexOf('.');
        if (dot <= 0) {
            throw expired();
        }
        byte[] payload;
        byte[] presented;
        Sealed sealed;
        try {
            payload = Base64.getUrlDecoder().decode(field.substring(0, dot));
            presented = Base64.getUrlDecoder().decode(field.substring(dot + 1));
            sealed = Json.MAPPER.readValue(payload, Sealed.class);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw expired();
        }
        if (sealed.k() == null || !keyring.contains(sealed.k())
                || !MessageDigest.isEqual(mac(sealed.k(), payload), presented)) {
            throw expired();
        }
        long age = clock.millis() - sealed.t();
        if (age < 0 || age >= LIFETIME.toMillis()) {
            throw expired();
        }
        byte[] browser = ENCODER.encodeToString(Ids.sha256(browserSecret)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(browser, Optional.ofNullable(sealed.b()).orElse("")
                .getBytes(StandardCharsets.US_ASCII))) {
            throw expired();
        }
        return new Interaction(sealed.c(), sealed.q(), sealed.t());
    }

    private byte[] mac(String keyId, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyring.derive(keyId, PURPOSE), "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static GatehouseException expired() {
        return GatehouseException.gone("sign_in_expired", "this sign-in page has expired or was opened in another"
                + " browser; go back to the application and start again");
    }
}
