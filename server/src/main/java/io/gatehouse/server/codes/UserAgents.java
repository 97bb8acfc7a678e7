package io.gatehouse.server.codes;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Classifies user agents with ua-parser's maintained patterns. Building the parser reads and compiles about a
 * thousand regular expressions (a few hundred milliseconds), so there is one per server, built at start; parsing
 * runs through many of those expressions, so the answers for recent user agents are kept (most scans of a code
 * come from a handful of browser versions).
 */
public final class UserAgents {
    private static final Logger LOG = LoggerFactory.getLogger(UserAgents.class);
    private static final int MAX_CACHED = 4_096;
    private static final int MAX_LENGTH = 512;
    private static final Set<String> DESKTOP_SYSTEMS = Set.of("windows", "mac os x", "linux", "ubuntu", "fedora",
            "debian", "chrome os", "freebsd", "openbsd", "netbsd", "solaris", "red hat", "suse", "mint", "arch linux");

    private final Parser parser;
    private final ConcurrentMap<String, DeviceClass> recent = new ConcurrentHashMap<>();

    public UserAgents() {
        long started = System.nanoTime();
        this.parser = new Parser();
        LOG.info("user agent patterns loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** The class of {@code userAgent}; without one, {@code other}. */
    public DeviceClass classify(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return DeviceClass.UNKNOWN;
        }
        String text = userAgent.length() > MAX_LENGTH ? userAgent.substring(0, MAX_LENGTH) : userAgent;
        DeviceClass known = recent.get(text);
        if (known != null) {
            return known;
        }
        DeviceClass parsed = parse(text);
        if (recent.size() >= MAX_CACHED) {
            // Crude but lock-free: a flood of distinct agents costs re-parsing, never unbounded memory.
            recent.clear();
        }
        recent.put(text, parsed);
        return parsed;
    }

    private DeviceClass parse(String text) {
        Client client = parser.parse(text);
        String device = client.device == null ? "Other" : client.device.family;
        String os = client.os == null ? "Other" : client.os.family;
        String browser = client.userAgent == null ? "Other" : client.userAgent.family;
        return new DeviceClass(deviceType(text, device, os), os, browser);
    }

    /**
     * ua-parser names device families (its bots are {@code Spider}) but not form factors: an iPad or an Android
     * browser without "Mobile" in its agent (Google's rule for tablets) is a tablet, iOS and Android otherwise
     * phones, the usual desktop systems desktops.
     */
    private static String deviceType(String text, String device, String os) {
        String lowerDevice = device.toLowerCase(Locale.ROOT);
        String lowerOs = os.toLowerCase(Locale.ROOT);
        if (lowerDevice.equals("spider")) {
            return DeviceClass.BOT;
        }
        if (lowerDevice.contains("ipad") || lowerDevice.contains("tablet") || lowerDevice.contains("kindle")
                || (lowerOs.equals("android") && !text.contains("Mobile"))) {
            return DeviceClass.TABLET;
        }
        if (lowerDevice.contains("iphone") || lowerOs.equals("ios") || lowerOs.equals("android")
                || text.contains("Mobile")) {
            return DeviceClass.PHONE;
        }
        if (DESKTOP_SYSTEMS.contains(lowerOs)) {
            return DeviceClass.DESKTOP;
        }
        return DeviceClass.OTHER;
    }
}
