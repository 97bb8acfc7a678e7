package io.gatehouse.server.user;

import io.gatehouse.server.common.GatehouseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A username: {@code display}, the form it was created with and is shown in, and {@code key}, the form that decides
 * whether two names are the same user ({@code users.username_key}, unique).
 *
 * <p>The alphabet is ASCII ({@code A-Z a-z 0-9 . _ @ + -}) and is checked on the text as given, before any
 * folding, so no Unicode form reaches the key: full-width letters, NFD sequences, the Kelvin sign, dotted or dotless
 * i and ß are refused rather than mapped onto an ASCII name. On that alphabet the key is plain ASCII lower-casing
 * with {@link Locale#ROOT} (under a Turkish default locale {@code "I".toLowerCase()} would give dotless ı), which is
 * also what SQL {@code LOWER()} gives on both databases, and what Unicode case folding gives for these characters.
 *
 * @param display the name as created; shown in pages, audit subjects and the otpauth label
 * @param key the case-folded name; never contains '#', which the migration uses for legacy duplicates
 */
public record Username(String display, String key) {
    private static final Pattern ALPHABET = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    /** User ids start with it ({@code usr_…}), so a name may not: the audit query can then tell ids from names. */
    static final String ID_PREFIX = "usr_";

    /**
     * A name for a new user.
     *
     * @throws GatehouseException 400 {@code invalid_field} when it is outside the alphabet or takes the id prefix
     */
    public static Username forNewUser(String text) {
        Username name = parse(text).orElseThrow(() -> GatehouseException.invalid("invalid_field", "field 'username'"
                + " must be 1 to 64 characters of A-Z a-z 0-9 . _ @ + -, got " + describe(text)));
        if (name.key().startsWith(ID_PREFIX)) {
            throw GatehouseException.invalid("invalid_field", "field 'username' must not start with '" + ID_PREFIX
                    + "' (in any case), the prefix of user ids; got '" + text + "'");
        }
        return name;
    }

    /** The name {@code text} stands for in a lookup; empty when no user can have it. */
    public static Optional<Username> parse(String text) {
        if (text == null || !ALPHABET.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Username(text, text.toLowerCase(Locale.ROOT)));
    }

    /** True when {@code text} has the shape of a user id rather than of a username. */
    public static boolean looksLikeUserId(String text) {
        return text.regionMatches(true, 0, ID_PREFIX, 0, ID_PREFIX.length());
    }

    /** The text as ASCII, other characters as U+XXXX: look-alikes and invisible characters show what they are. */
    private static String describe(String text) {
        if (text == null) {
            return "nothing";
        }
        StringBuilder shown = new StringBuilder("'");
        text.codePoints().limit(80).forEach(c -> shown.append(c >= 0x20 && c < 0x7F ? Character.toString(c)
                : String.format("<U+%04X>", c)));
        return shown.append(text.codePointCount(0, text.length()) > 80 ? "...'" : "'").toString();
    }
}
