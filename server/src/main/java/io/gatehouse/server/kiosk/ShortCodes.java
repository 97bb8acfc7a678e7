package io.gatehouse.server.kiosk;

import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.visitor.PassCodes;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * A pass's short code: what a visitor types at a kiosk instead of showing the QR code. Eight characters of an
 * alphabet without look-alikes (no 0/O, 1/I/L), about 39.6 bits; only its SHA-256 is stored, and guessing is bounded
 * per kiosk by {@link CheckIns} (five wrong in a row lock that kiosk's code entry for a minute).
 */
public final class ShortCodes implements PassCodes {
    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int LENGTH = 8;

    private final SecureRandom random;

    public ShortCodes(SecureRandom random) {
        this.random = random;
    }

    /** A new code for the invitation, as shown: two groups of four. */
    @Override
    public String issue(Tx tx, String visitorId) {
        return display(issueCode(tx, visitorId));
    }

    /**
     * Gives a pass a new short code inside the caller's transaction (the invitation's) and returns it, to be put in
     * the invitation; a code another pass holds is drawn again.
     */
    String issueCode(Tx tx, String visitorId) {
        while (true) {
            StringBuilder code = new StringBuilder(LENGTH);
            for (int i = 0; i < LENGTH; i++) {
                code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            byte[] hash = hash(code.toString());
            if (!PassKioskStore.shortCodeTaken(tx, hash)) {
                PassKioskStore.putShortCode(tx, visitorId, hash);
                return code.toString();
            }
        }
    }

    /** The code as shown to people: two groups of four. */
    public static String display(String code) {
        return code.substring(0, 4) + "-" + code.substring(4);
    }

    /**
     * What a visitor typed, as a code: case, spaces and dashes ignored; empty when it cannot be a code (wrong
     * length or a character outside the alphabet), which still counts as a wrong code.
     */
    static Optional<String> normalise(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String code = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (code.length() != LENGTH || !code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(code);
    }

    static byte[] hash(String code) {
        return Ids.sha256("pass-short-code:" + code);
    }
}
