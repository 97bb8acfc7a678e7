package io.gatehouse.server.codes;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Classifies user agents with ua-parser's maintained patterns. Building the parser reads its YAML and compiles
 * about a thousand regular expressions: 40 to 200 ms in a warm JVM, up to 2.4 s in a cold one on a busy machine
 * (measured in the test runs). So there is one per server, built on a thread of its own from the start, so that
 * neither the start nor a command-line run waits for it; the first scan waits if it comes first. Parsing runs
 * through many of the expressions, so the answers for recent user agents are kept (most scans of a code come from
 * a handful of browser versions).
 */
public final class UserAgents {
    private static final Logger LOG = LoggerFactory.getLogger(UserAgents.class);
    private static final int MAX_CACHED = 4_096;
    private static final int MAX_LENGTH = 512;
    private static final Set<String> DESKTOP_SYSTEMS = Set.of("windows", "mac os x", "linux", "ubuntu", "fedora",
            "debian", "chrome os", "freebsd", "openbsd", "netbsd", "solaris", "red hat", "suse", "mint", "arch linux");

    private final CompletableFuture<Parser> parser;
    private final ConcurrentMap<String, DeviceClass> recent = new ConcurrentHashMap<>();

    public UserAgents() {
        this.parser = CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            Parser loaded = new Parser();
            LOG.debug("user agent patterns loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
            return loaded;
        }, runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-user-agent-patterns");
            thread.setDaemon(true);
            thread.start();
        });
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
        Client client = parser.join().parse(text);
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
