package io.gatehouse.server.login;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user agent said in a few words ("Chrome 131 on Linux"). Rough on purpose: the phone's person only needs to
 * recognise their own browser, and a user agent is whatever the client claims, so nothing is decided on it.
 */
final class BrowserDescription {
    private record Family(String name, Pattern version) {
    }

    /** Most specific first: Edge and Opera also say Chrome, Chrome also says Safari. */
    private static final List<Family> FAMILIES = List.of(
            new Family("Edge", Pattern.compile("Edg(?:e|A|iOS)?/(\\d+)")),
            new Family("Opera", Pattern.compile("OPR/(\\d+)")),
            new Family("Firefox", Pattern.compile("(?:Firefox|FxiOS)/(\\d+)")),
            new Family("Chrome", Pattern.compile("(?:HeadlessChrome|Chrome|CriOS)/(\\d+)")),
            new Family("Safari", Pattern.compile("Version/(\\d+)[^ ]* (?:Mobile/\\S+ )?Safari/")),
            new Family("curl", Pattern.compile("curl/(\\d+)")));

    private BrowserDescription() {
    }

    static String of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "an unnamed browser";
        }
        String browser = "an unknown browser";
        for (Family family : FAMILIES) {
            Matcher matcher = family.version().matcher(userAgent);
            if (matcher.find()) {
                browser = family.name() + " " + matcher.group(1);
                break;
            }
        }
        String system = system(userAgent);
        return system == null ? browser : browser + " on " + system;
    }

    private static String system(String userAgent) {
        if (userAgent.contains("Android")) {
            return "Android";
        }
        if (userAgent.contains("iPhone") || userAgent.contains("iPad")) {
            return "iOS";
        }
        if (userAgent.contains("Windows")) {
            return "Windows";
        }
        if (userAgent.contains("Mac OS X") || userAgent.contains("Macintosh")) {
            return "macOS";
        }
        if (userAgent.contains("CrOS")) {
            return "ChromeOS";
        }
        if (userAgent.contains("Linux")) {
            return "Linux";
        }
        return null;
    }
}
