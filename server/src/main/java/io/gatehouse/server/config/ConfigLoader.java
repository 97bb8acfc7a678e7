package io.gatehouse.server.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds a {@link GatehouseConfig} from, in increasing precedence: defaults, a properties file, environment
 * variables ({@code GATEHOUSE_*}) and explicit overrides (command-line flags). Every value is validated here, and
 * every problem is reported at once.
 *
 * <p>The file is {@code GATEHOUSE_CONFIG} (or the {@code config} override) when given, else
 * {@code <data>/gatehouse.properties} when it exists. Keys are the names in {@link #KEYS}; the environment
 * variable of a key is {@code GATEHOUSE_} followed by the key in upper case with {@code .} and {@code -} turned into
 * {@code _} (so {@code db.url} is {@code GATEHOUSE_DB_URL}). An unknown key in the file is an error: a typo must not
 * silently fall back to a default.
 */
public final class ConfigLoader {

    /** Every configuration key, with its default ({@code null}: derived or empty). */
    public static final Map<String, String> KEYS = keys();

    private static Map<String, String> keys() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("bind", "127.0.0.1");
        keys.put("port", "8080");
        keys.put("data", "data");
        keys.put("db.url", null);
        keys.put("db.user", null);
        keys.put("db.password", null);
        keys.put("db.pool-size", null);
        keys.put("public-base-url", null);
        keys.put("issuer", "Gatehouse");
        keys.put("master-key-file", null);
        keys.put("max-body-bytes", "65536");
        keys.put("lockout.threshold", "10");
        keys.put("lockout.duration-seconds", "300");
        keys.put("lockout.source-threshold", null);
        keys.put("lockout.source-max-duration-seconds", null);
        return java.util.Collections.unmodifiableMap(keys);
    }

    private final Map<String, String> environment;
    private final Map<String, String> overrides;

    private ConfigLoader(Map<String, String> environment, Map<String, String> overrides) {
        this.environment = Map.copyOf(environment);
        this.overrides = Map.copyOf(overrides);
    }

    /** Loads from the process environment plus the given overrides (keys as in {@link #KEYS}, or "config"). */
    public static GatehouseConfig load(Map<String, String> overrides) {
        return new ConfigLoader(System.getenv(), overrides).load();
    }

    /** Loads from an explicit environment; for tests. */
    public static GatehouseConfig load(Map<String, String> environment, Map<String, String> overrides) {
        return new ConfigLoader(environment, overrides).load();
    }

    /** The environment variable that sets {@code key}. */
    public static String environmentName(String key) {
        return "GATEHOUSE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private GatehouseConfig load() {
        List<String> problems = new ArrayList<>();
        for (String key : overrides.keySet()) {
            if (!KEYS.containsKey(key) && !key.equals("config")) {
                throw new IllegalArgumentException("unknown configuration override '" + key + "'");
            }
        }
        // The data directory decides where the default file is, so it is resolved from env/overrides first.
        String dataSetting = firstNonBlank(overrides.get("data"), environment.get(environmentName("data")));
        Map<String, String> file = readFile(dataSetting, problems);
        Map<String, String> values = new LinkedHashMap<>();
        for (var entry : KEYS.entrySet()) {
            String key = entry.getKey();
            String value = firstNonBlank(overrides.get(key), environment.get(environmentName(key)), file.get(key),
                    entry.getValue());
            if (value != null) {
                values.put(key, value.strip());
            }
        }
        return validate(values, problems);
    }

    private Map<String, String> readFile(String dataSetting, List<String> problems) {
        String explicit = firstNonBlank(overrides.get("config"), environment.get("GATEHOUSE_CONFIG"));
        Path path;
        if (explicit != null) {
            path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                problems.add("configuration file " + path + " does not exist");
                return Map.of();
            }
        } else {
            path = Path.of(dataSetting == null ? KEYS.get("data") : dataSetting).resolve("gatehouse.properties");
            if (!Files.isRegularFile(path)) {
                return Map.of();
            }
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot read configuration file " + path + ": " + e.getMessage());
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        for (String name : properties.stringPropertyNames()) {
            if (KEYS.containsKey(name)) {
                result.put(name, properties.getProperty(name));
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown key(s) " + unknown + " in " + path + "; known keys: " + KEYS.keySet());
        }
        return result;
    }

    private static GatehouseConfig validate(Map<String, String> values, List<String> problems) {
        String bind = values.get("bind");
        if (bind.isEmpty()) {
            problems.add("bind: expected an IP address or host name, got an empty value");
        }
        int port = integer(values, "port", 0, 65535, problems);
        Path data = Path.of(values.get("data")).toAbsolutePath().normalize();

        String rawUrl = values.getOrDefault("db.url", "jdbc:sqlite:" + data.resolve("gatehouse.db"));
        String user = values.getOrDefault("db.user", "");
        String password = values.getOrDefault("db.password", "");
        String jdbcUrl = rawUrl;
        if (rawUrl.startsWith("postgres://") || rawUrl.startsWith("postgresql://")) {
            // Accept the libpq URL form operators copy from their provider, credentials included.
            try {
                URI uri = new URI(rawUrl);
                String userInfo = uri.getRawUserInfo();
                if (userInfo != null) {
                    int colon = userInfo.indexOf(':');
                    String urlUser = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                    String urlPassword = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
                    user = user.isEmpty() ? urlUser : user;
                    password = password.isEmpty() ? urlPassword : password;
                }
                String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
                jdbcUrl = "jdbc:postgresql://" + hostPort + uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            } catch (URISyntaxException e) {
                problems.add("db.url: not a valid URL: " + e.getMessage());
            }
        } else if (!rawUrl.startsWith("jdbc:sqlite:") && !rawUrl.startsWith("jdbc:postgresql:")) {
            problems.add("db.url: expected jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB or postgresql://HOST/DB, got '"
                    + rawUrl + "'");
        }
        boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
        int poolSize = values.containsKey("db.pool-size")
                ? integer(values, "db.pool-size", 1, 200, problems)
                : (sqlite ? 4 : 10);

        Optional<URI> publicBaseUrl = Optional.empty();
        String base = values.get("public-base-url");
        if (base != null && !base.isEmpty()) {
            publicBaseUrl = parseBaseUrl(base, problems);
        }
        String issuer = values.get("issuer");
        if (issuer.isEmpty() || issuer.length() > 64 || issuer.contains(":")) {
            problems.add("issuer: expected 1 to 64 characters without ':' (the colon separates issuer and account in"
                    + " authenticator apps), got '" + issuer + "'");
        }
        Path masterKey = values.containsKey("master-key-file")
                ? Path.of(values.get("master-key-file")).toAbsolutePath().normalize()
                : data.resolve("master.key");
        int maxBody = integer(values, "max-body-bytes", 1024, 16 * 1024 * 1024, problems);
        int threshold = integer(values, "lockout.threshold", 1, 1000, problems);
        int lockSeconds = integer(values, "lockout.duration-seconds", 1, 86_400, problems);
        // Below the user's threshold, so that one source alone never fills the user's failure window.
        int sourceThreshold = values.containsKey("lockout.source-threshold")
                ? integer(values, "lockout.source-threshold", 1, Math.max(1, threshold - 1), problems)
                : Math.max(1, threshold / 2);
        int sourceMaxSeconds = values.containsKey("lockout.source-max-duration-seconds")
                ? integer(values, "lockout.source-max-duration-seconds", lockSeconds, 604_800, problems)
                : Math.max(3600, lockSeconds);

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GatehouseConfig(bind, port, data, jdbcUrl, user, password, publicBaseUrl, issuer, masterKey,
                maxBody, poolSize, threshold, Duration.ofSeconds(lockSeconds), sourceThreshold,
                Duration.ofSeconds(sourceMaxSeconds));
    }

    private static Optional<URI> parseBaseUrl(String base, List<String> problems) {
        try {
            URI uri = new URI(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problems.add("public-base-url: expected an absolute http(s) URL without query or fragment, got '"
                        + base + "'");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            problems.add("public-base-url: not a valid URL: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static int integer(Map<String, String> values, String key, int min, int max, List<String> problems) {
        Function<String, String> describe = v -> key + ": expected a whole number from " + min + " to " + max
                + " (" + environmentName(key) + "), got '" + v + "'";
        String value = values.get(key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                problems.add(describe.apply(value));
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(describe.apply(value));
            return min;
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    private static String firstNonBlank(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }
}
