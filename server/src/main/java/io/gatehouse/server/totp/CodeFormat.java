package io.gatehouse.server.totp;

import io.gatehouse.server.common.GatehouseException;
import java.util.Locale;

/** Shape checks for codes, done before any state is read, so that malformed input changes nothing. */
final class CodeFormat {
    private CodeFormat() {
    }

    /** A TOTP code: 6 to 8 ASCII digits (policies use 6 or 8; the credential's own length is checked later). */
    static String totp(String code) {
        if (code == null || code.length() < 6 || code.length() > 8
                || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw GatehouseException.invalid("invalid_code_format", "field 'code' must be 6 to 8 digits, got "
                    + describe(code));
        }
        return code;
    }

    /** The code has the length the credential uses. */
    static void totpLength(String code, int digits) {
        if (code.length() != digits) {
            throw GatehouseException.invalid("invalid_code_format", "this credential uses " + digits
                    + "-digit codes, got " + code.length() + " digits");
        }
    }

    /** A recovery code: 10 Base32 characters, '-' and spaces ignored, any case. Returns the normalised form. */
    static String recovery(String code) {
        String normalised = code == null ? "" : code.replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (normalised.length() != RecoveryCodes.LENGTH
                || !normalised.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
            throw GatehouseException.invalid("invalid_code_format", "field 'code' must be a recovery code like"
                    + " 'abcde-fgh23' (10 letters a-z and digits 2-7), got " + describe(code));
        }
        return normalised;
    }

    private static String describe(String code) {
        if (code == null) {
            return "nothing";
        }
        return code.length() > 16 ? code.length() + " characters" : "'" + code + "'";
    }
}
