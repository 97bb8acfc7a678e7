package io.gatehouse.server.config;

import java.util.regex.Pattern;

/**
 * Takes secrets out of text that is about to be printed or logged: the password in a URL's user info, a URL's
 * query string (drivers accept {@code ?password=}) and {@code password=} pairs (libpq's keyword form). Works on
 * malformed URLs too, since those are the ones an error message quotes.
 */
public final class Redaction {
    /** Shown where a secret was. */
    public static final String MASK = "***";

    // scheme://user:password@ inside free text; the password may hold anything but whitespace and quotes. A user
    // name holds no brackets, so a template such as postgresql://[USER[:PASSWORD]@]HOST is left alone.
    private static final Pattern USER_INFO_IN_TEXT =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s:/@'\"\\[\\]]*):[^\\s'\"]*@");
    private static final Pattern PASSWORD_PAIR = Pattern.compile("(?i)\\b(password|passwd|pwd)=[^&;\\s'\"]*");

    private Redaction() {
    }

    /**
     * The URL with its password and query string replaced by {@link #MASK}. In a well-formed URL the user name
     * stays, it helps to recognise the setting. The last {@code @} ends the user info, so an unencoded {@code @} in
     * a password is masked too; without {@code ://} everything from the first {@code :} to that {@code @} is.
     */
    public static String url(String url) {
        String result = url;
        int at = result.lastIndexOf('@');
        int authority = result.indexOf("://");
        if (at >= 0 && authority >= 0 && authority < at) {
            String userInfo = result.substring(authority + 3, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                result = result.substring(0, authority + 3) + userInfo.substring(0, colon) + ":" + MASK
                        + result.substring(at);
            }
        } else if (at >= 0 && result.indexOf(':') >= 0 && result.indexOf(':') < at) {
            result = result.substring(0, result.indexOf(':') + 1) + MASK + result.substring(at);
        }
        int query = result.indexOf('?', Math.max(0, result.lastIndexOf('@')));
        result = query < 0 ? result : result.substring(0, query + 1) + MASK;
        return PASSWORD_PAIR.matcher(result).replaceAll("$1=" + MASK);
    }

    /** Free text (an error message from a driver, say) with the password of every URL in it masked. */
    public static String inText(String text) {
        String masked = USER_INFO_IN_TEXT.matcher(text).replaceAll("$1:" + MASK + "@");
        return PASSWORD_PAIR.matcher(masked).replaceAll("$1=" + MASK);
    }
}
