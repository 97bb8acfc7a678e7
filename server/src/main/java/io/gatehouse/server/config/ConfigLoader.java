package io.gatehouse.server.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

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

    /** The alert severities, as {@code alerts.email-min-severity} and {@code alerts.rules} name them. */
    private static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

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
        keys.put("passkey.algorithms", "ES256");
        keys.put("passkey.metadata-blob", null);
        keys.put("passkey.metadata-crls", null);
        keys.put("passkey.extra-roots", null);
        keys.put("console.idle-timeout-minutes", "15");
        keys.put("console.absolute-timeout-hours", "8");
        keys.put("oidc.session-hours", "8");
        keys.put("oidc.step-up-minutes", "15");
        keys.put("trusted-proxies", null);
        keys.put("smtp.host", null);
        keys.put("smtp.port", null);
        keys.put("smtp.from", null);
        keys.put("smtp.tls", "starttls");
        keys.put("smtp.username", null);
        keys.put("smtp.password", null);
        keys.put("smtp.trust-ca-file", null);
        keys.put("geoip.database", null);
        keys.put("geoip.asn-database", null);
        keys.put("codes.scan-retention-days", "90");
        keys.put("site.time-zone", "UTC");
        keys.put("visitors.retention-days", "30");
        keys.put("alerts.syslog", null);
        keys.put("alerts.syslog-format", "rfc5424");
        keys.put("alerts.flag-minutes", "60");
        keys.put("alerts.detect", "true");
        keys.put("alerts.rules", null);
        keys.put("alerts.email-to", null);
        keys.put("alerts.email-min-severity", "high");
        keys.put("alerts.webhook-allow-networks", null);
        keys.put("audit.export-file", null);
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

    /** A value and where it came from, so that a problem names the place to fix it. */
    private record Setting(String value, String origin) {
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
        Map<String, String> file = new LinkedHashMap<>();
        String fileOrigin = readFile(dataSetting, file, problems);
        Map<String, Setting> values = new LinkedHashMap<>();
        for (var entry : KEYS.entrySet()) {
            String key = entry.getKey();
            Setting setting = firstNonBlank(
                    new Setting(overrides.get(key), "set by --" + key),
                    new Setting(environment.get(environmentName(key)), "set by " + environmentName(key)),
                    new Setting(file.get(key), "set in " + fileOrigin),
                    new Setting(entry.getValue(), "the default"));
            if (setting != null) {
                values.put(key, new Setting(setting.value().strip(), setting.origin()));
            }
        }
        return new Validation(values, problems).config();
    }

    /** Fills {@code file} from the configuration file, if there is one, and returns the file's name. */
    private String readFile(String dataSetting, Map<String, String> file, List<String> problems) {
        String explicit = firstNonBlank(overrides.get("config"), environment.get("GATEHOUSE_CONFIG"));
        Path path;
        if (explicit != null) {
            path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                problems.add("configuration file " + path + " does not exist ("
                        + (overrides.containsKey("config") ? "set by --config" : "set by GATEHOUSE_CONFIG") + ")");
                return path.toString();
            }
        } else {
            path = Path.of(dataSetting == null ? KEYS.get("data") : dataSetting).resolve("gatehouse.properties");
            if (!Files.isRegularFile(path)) {
                return path.toString();
            }
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (MalformedInputException e) {
            problems.add("cannot read configuration file " + path + ": expected UTF-8 text");
            return path.toString();
        } catch (IllegalArgumentException e) {
            problems.add("cannot read configuration file " + path + ": expected \\uXXXX after a backslash-u");
            return path.toString();
        } catch (AccessDeniedException e) {
            problems.add("cannot read configuration file " + path + ": permission denied");
            return path.toString();
        } catch (IOException e) {
            problems.add("cannot read configuration file " + path + ": the read failed");
            return path.toString();
        }
        Set<String> unknown = new TreeSet<>();
        for (String name : properties.stringPropertyNames()) {
            if (KEYS.containsKey(name)) {
                file.put(name, properties.getProperty(name));
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown key(s) " + unknown + " in " + path + "; known keys: " + KEYS.keySet());
        }
        return path.toString();
    }

    /** Where the database is and how to log in to it. */
    private record Database(String url, String user, String password) {
    }

    /** Checks every value; each problem names the key, what was expected, what was found and where it was set. */
    private record Validation(Map<String, Setting> values, List<String> problems) {

        GatehouseConfig config() {
            String bind = value("bind");
            if (bind.isEmpty()) {
                problem("bind", "expected an IP address or host name, got an empty value");
            }
            int port = integer("port", 0, 65535);
            Path data = Path.of(value("data")).toAbsolutePath().normalize();

            Database database = database(data);
            boolean sqlite = database.url().startsWith("jdbc:sqlite:");
            int poolSize = values.containsKey("db.pool-size") ? integer("db.pool-size", 1, 200) : (sqlite ? 4 : 10);

            Optional<URI> publicBaseUrl = Optional.empty();
            String base = values.containsKey("public-base-url") ? value("public-base-url") : "";
            if (!base.isEmpty()) {
                publicBaseUrl = parseBaseUrl(base);
            }
            String issuer = value("issuer");
            if (issuer.isEmpty() || issuer.length() > 64 || issuer.contains(":")) {
                problem("issuer", "expected 1 to 64 characters without ':' (the colon separates issuer and account"
                        + " in authenticator apps), got '" + issuer + "'");
            }
            Path masterKey = values.containsKey("master-key-file")
                    ? Path.of(value("master-key-file")).toAbsolutePath().normalize()
                    : data.resolve("master.key");
            int maxBody = integer("max-body-bytes", 1024, 16 * 1024 * 1024);
            int threshold = integer("lockout.threshold", 1, 1000);
            int lockSeconds = integer("lockout.duration-seconds", 1, 86_400);
            // Below the user's threshold, so that one source alone never fills the user's failure window.
            int sourceThreshold = values.containsKey("lockout.source-threshold")
                    ? integer("lockout.source-threshold", 1, Math.max(1, threshold - 1))
                    : Math.max(1, threshold / 2);
            int sourceMaxSeconds = values.containsKey("lockout.source-max-duration-seconds")
                    ? integer("lockout.source-max-duration-seconds", lockSeconds, 604_800)
                    : Math.max(3600, lockSeconds);
            GatehouseConfig.Passkeys passkeys = passkeys();
            int absoluteHours = integer("console.absolute-timeout-hours", 1, 168);
            int idleMinutes = integer("console.idle-timeout-minutes", 1, Math.max(1, absoluteHours * 60));
            GatehouseConfig.Console console = new GatehouseConfig.Console(Duration.ofMinutes(idleMinutes),
                    Duration.ofHours(absoluteHours));
            GatehouseConfig.SignIn signIn = new GatehouseConfig.SignIn(
                    Duration.ofHours(integer("oidc.session-hours", 1, 168)),
                    Duration.ofMinutes(integer("oidc.step-up-minutes", 1, 1440)));
            GatehouseConfig.Mail mail = mail();
            GatehouseConfig.Codes codes = new GatehouseConfig.Codes(
                    readableFile("geoip.database", "an address database in MaxMind DB format"),
                    Duration.ofDays(integer("codes.scan-retention-days", 1, 3650)),
                    readableFile("geoip.asn-database", "an autonomous-system database in MaxMind DB format"));
            GatehouseConfig.Visitors visitors = new GatehouseConfig.Visitors(zone("site.time-zone"),
                    Duration.ofDays(integer("visitors.retention-days", 1, 3650)));
            List<String> trustedProxies = networks("trusted-proxies");
            GatehouseConfig.Alerting alerting = alerting(mail, data);

            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new GatehouseConfig(bind, port, data, database.url(), database.user(), database.password(),
                    publicBaseUrl, issuer, masterKey, maxBody, poolSize, threshold, Duration.ofSeconds(lockSeconds),
                    sourceThreshold, Duration.ofSeconds(sourceMaxSeconds), passkeys, console, signIn, mail, codes,
                    visitors, trustedProxies, alerting);
        }

        private GatehouseConfig.Alerting alerting(GatehouseConfig.Mail mail, Path data) {
            String format = value("alerts.syslog-format").toLowerCase(Locale.ROOT);
            if (!format.equals("rfc5424") && !format.equals("cef")) {
                problem("alerts.syslog-format", "expected rfc5424 or cef, got '" + value("alerts.syslog-format")
                        + "'");
            }
            Optional<URI> syslog = optional("alerts.syslog").flatMap(text -> {
                try {
                    URI uri = new URI(text);
                    if (("udp".equals(uri.getScheme()) || "tcp".equals(uri.getScheme())) && uri.getHost() != null
                            && uri.getPort() > 0 && (uri.getPath() == null || uri.getPath().isEmpty())) {
                        return Optional.of(uri);
                    }
                } catch (URISyntaxException e) {
                    // reported below
                }
                problem("alerts.syslog", "expected udp://HOST:PORT or tcp://HOST:PORT, got '" + text + "'");
                return Optional.empty();
            });
            List<String> emailTo = new ArrayList<>();
            for (String entry : optional("alerts.email-to").orElse("").split(",")) {
                String address = entry.strip();
                if (address.isEmpty()) {
                    continue;
                }
                if (address.matches("[^@\\s<>,]+@[^@\\s<>,]+")) {
                    emailTo.add(address);
                } else {
                    problem("alerts.email-to", "expected e-mail addresses (name@domain), comma-separated, got '"
                            + address + "'");
                }
            }
            if (!emailTo.isEmpty() && !mail.enabled()) {
                problem("alerts.email-to", "expected smtp.host too: alerts are mailed through the SMTP server");
            }
            String minSeverity = value("alerts.email-min-severity").toLowerCase(Locale.ROOT);
            if (!SEVERITIES.contains(minSeverity)) {
                problem("alerts.email-min-severity", "expected low, medium, high or critical, got '"
                        + value("alerts.email-min-severity") + "'");
            }
            Optional<Path> exportFile = optional("audit.export-file").map(text -> Path.of(text).toAbsolutePath()
                    .normalize());
            exportFile.filter(path -> path.getParent() == null || !Files.isDirectory(path.getParent()))
                    .ifPresent(path -> problem("audit.export-file", "expected a file in an existing directory, got '"
                            + path + "'"));
            exportFile.filter(path -> path.startsWith(data)).ifPresent(path -> problem("audit.export-file",
                    "expected a file outside the data directory " + data + " (a SIEM's agent reads it; the data"
                    + " directory is the server's alone), got '" + path + "'"));
            exportFile.filter(Files::isDirectory).ifPresent(path -> problem("audit.export-file",
                    "expected a file, got the directory '" + path + "'"));
            return new GatehouseConfig.Alerting(syslog, format,
                    Duration.ofMinutes(integer("alerts.flag-minutes", 1, 10_080)), emailTo, minSeverity, exportFile,
                    bool("alerts.detect"), ruleDefaults(), networks("alerts.webhook-allow-networks"));
        }

        private GatehouseConfig.Mail mail() {
            GatehouseConfig.Mail.Tls tls = switch (value("smtp.tls").toLowerCase(Locale.ROOT)) {
                case "starttls" -> GatehouseConfig.Mail.Tls.STARTTLS;
                case "tls" -> GatehouseConfig.Mail.Tls.TLS;
                case "none" -> GatehouseConfig.Mail.Tls.NONE;
                default -> {
                    problem("smtp.tls", "expected starttls, tls or none, got '" + value("smtp.tls") + "'");
                    yield GatehouseConfig.Mail.Tls.STARTTLS;
                }
            };
            int defaultPort = switch (tls) {
                case STARTTLS -> 587;
                case TLS -> 465;
                case NONE -> 25;
            };
            int port = values.containsKey("smtp.port") ? integer("smtp.port", 1, 65535) : defaultPort;
            Optional<String> host = optional("smtp.host");
            Optional<String> username = optional("smtp.username");
            String password = optional("smtp.password").orElse("");
            String from = optional("smtp.from").orElse("");
            if (host.isPresent() && !from.matches("[^@\\s<>]+@[^@\\s<>]+")) {
                problem(values.containsKey("smtp.from") ? "smtp.from" : "smtp.host", "expected smtp.from to be the"
                        + " sender's address (name@domain) when smtp.host is set, got '" + from + "'");
            }
            if (username.isPresent() && password.isEmpty()) {
                problem("smtp.username", "expected smtp.password too: a user name without a password cannot"
                        + " authenticate");
            }
            Optional<Path> trustCaFile = readableFile("smtp.trust-ca-file", "a PEM file of CA certificates");
            return new GatehouseConfig.Mail(host, port, from, tls, username, password, trustCaFile);
        }

        /** Addresses or CIDR networks, comma-separated; each checked to be an IP literal, never looked up. */
        private List<String> networks(String key) {
            List<String> networks = new ArrayList<>();
            for (String entry : optional(key).orElse("").split(",")) {
                String network = entry.strip();
                if (network.isEmpty()) {
                    continue;
                }
                if (io.gatehouse.server.common.IpLiteral.network(network).isEmpty()) {
                    problem(key, "expected IP addresses or networks such as 10.0.0.0/8 or ::1,"
                            + " comma-separated, got '" + network + "'");
                } else {
                    networks.add(network);
                }
            }
            return networks;
        }

        private java.time.ZoneId zone(String key) {
            try {
                return java.time.ZoneId.of(value(key));
            } catch (java.time.DateTimeException e) {
                problem(key, "expected a time zone such as Europe/Berlin or UTC, got '" + value(key) + "'");
                return java.time.ZoneOffset.UTC;
            }
        }

        private Optional<String> optional(String key) {
            return values.containsKey(key) && !value(key).isEmpty() ? Optional.of(value(key)) : Optional.empty();
        }

        /** The JDBC URL and credentials; a libpq-style URL gives up its user and password here. */
        private Database database(Path data) {
            String rawUrl = values.containsKey("db.url") ? value("db.url")
                    : "jdbc:sqlite:" + data.resolve("gatehouse.db");
            String user = values.containsKey("db.user") ? value("db.user") : "";
            String password = values.containsKey("db.password") ? value("db.password") : "";
            if (!rawUrl.startsWith("postgres://") && !rawUrl.startsWith("postgresql://")) {
                if (!rawUrl.startsWith("jdbc:sqlite:") && !rawUrl.startsWith("jdbc:postgresql:")) {
                    problem("db.url", "expected jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB or postgresql://HOST/DB,"
                            + " got '" + Redaction.url(rawUrl) + "'");
                }
                return new Database(rawUrl, user, password);
            }
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
                if (uri.getHost() == null) {
                    problem("db.url", "expected a host name after '//' (letters, digits, '-' and '.'), got '"
                            + Redaction.url(rawUrl) + "'");
                }
                String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
                return new Database("jdbc:postgresql://" + hostPort + uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), user, password);
            } catch (IllegalArgumentException e) {
                problem("db.url", "expected each '%' in the user name and password to start an escape of two hex"
                        + " digits, got '" + Redaction.url(rawUrl) + "'");
            } catch (URISyntaxException e) {
                // Not the exception's text: it quotes the whole URL, password included.
                problem("db.url", "expected postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DB with spaces, '@', '/' and"
                        + " '#' in the user name and password percent-encoded, got '" + Redaction.url(rawUrl) + "'");
            }
            return new Database(rawUrl, user, password);
        }

        private GatehouseConfig.Passkeys passkeys() {
            List<String> algorithms = new ArrayList<>();
            for (String name : value("passkey.algorithms").split(",")) {
                String algorithm = name.strip();
                if (!GatehouseConfig.Passkeys.ALGORITHMS.contains(algorithm)) {
                    problem("passkey.algorithms", "expected a comma-separated list of "
                            + GatehouseConfig.Passkeys.ALGORITHMS + ", got '" + algorithm + "'");
                } else if (!algorithms.contains(algorithm)) {
                    algorithms.add(algorithm);
                }
            }
            Optional<Path> blob = readableFile("passkey.metadata-blob", "a FIDO Metadata Service (MDS3) BLOB");
            Optional<Path> crls = readableFile("passkey.metadata-crls", "the revocation lists of the BLOB's chain");
            if (crls.isPresent() && blob.isEmpty()) {
                problem("passkey.metadata-crls", "revocation lists belong to a metadata BLOB; set"
                        + " passkey.metadata-blob too");
            }
            Optional<Path> extraRoots = readableFile("passkey.extra-roots", "a PEM file of attestation roots");
            return new GatehouseConfig.Passkeys(algorithms, blob, crls, extraRoots);
        }

        /** An optional file that must exist when named: a trust decision must never rest on a missing file. */
        private Optional<Path> readableFile(String key, String what) {
            if (!values.containsKey(key) || value(key).isEmpty()) {
                return Optional.empty();
            }
            Path path = Path.of(value(key)).toAbsolutePath().normalize();
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                problem(key, "expected a readable file (" + what + "), got '" + path + "', which "
                        + (Files.exists(path) ? "is not a readable file" : "does not exist"));
                return Optional.empty();
            }
            return Optional.of(path);
        }

        private String value(String key) {
            return values.get(key).value();
        }

        private void problem(String key, String message) {
            problems.add(key + ": " + message + " (" + values.get(key).origin() + ")");
        }

        private Optional<URI> parseBaseUrl(String base) {
            String expected = "expected an absolute http(s) URL without user info, query or fragment, got '"
                    + Redaction.url(base) + "'";
            try {
                URI uri = new URI(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    problem("public-base-url", expected);
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                problem("public-base-url", expected);
                return Optional.empty();
            }
        }

        /**
         * {@code alerts.rules}: {@code <rule>:<field>=<value>,…} per rule, rules separated by {@code ;}, fields
         * {@code enabled} (true or false), {@code severity}, {@code threshold} and {@code window} (a number and
         * {@code s}, {@code m}, {@code h} or {@code d}).
         */
        private List<GatehouseConfig.RuleDefaults> ruleDefaults() {
            Optional<String> text = optional("alerts.rules");
            if (text.isEmpty()) {
                return List.of();
            }
            List<GatehouseConfig.RuleDefaults> rules = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String part : text.get().split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                int colon = part.indexOf(':');
                String rule = (colon < 0 ? part : part.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
                if (colon < 0 || !rule.matches("[a-z_]+") || !seen.add(rule)) {
                    problem("alerts.rules", "expected <rule>:<field>=<value>,… once per rule, rules separated by ';',"
                            + " got '" + part.strip() + "'");
                    continue;
                }
                Optional<Boolean> enabled = Optional.empty();
                Optional<String> severity = Optional.empty();
                Optional<Integer> threshold = Optional.empty();
                Optional<Duration> window = Optional.empty();
                for (String field : part.substring(colon + 1).split(",")) {
                    String[] pair = field.split("=", 2);
                    String name = pair[0].strip();
                    String value = pair.length == 2 ? pair[1].strip().toLowerCase(Locale.ROOT) : "";
                    String wrong = null;
                    switch (name) {
                        case "enabled" -> {
                            if (value.equals("true") || value.equals("false")) {
                                enabled = Optional.of(value.equals("true"));
                            } else {
                                wrong = "true or false";
                            }
                        }
                        case "severity" -> {
                            if (SEVERITIES.contains(value)) {
                                severity = Optional.of(value);
                            } else {
                                wrong = "low, medium, high or critical";
                            }
                        }
                        case "threshold" -> {
                            threshold = wholeNumber(value, 1, 10_000);
                            wrong = threshold.isEmpty() ? "a whole number from 1 to 10000" : null;
                        }
                        case "window" -> {
                            window = duration(value).filter(d -> d.toSeconds() >= 1 && d.toDays() <= 400);
                            wrong = window.isEmpty() ? "a number and s, m, h or d, from 1 s to 400 d" : null;
                        }
                        default -> wrong = "one of the fields enabled, severity, threshold, window";
                    }
                    if (wrong != null) {
                        problem("alerts.rules", rule + ": " + (name.isEmpty() ? "a field" : name) + ": expected "
                                + wrong + ", got '" + field.strip() + "'");
                    }
                }
                rules.add(new GatehouseConfig.RuleDefaults(rule, enabled, severity, threshold, window));
            }
            return rules;
        }

        /** {@code text} as a whole number from {@code min} to {@code max}; empty when it is not one. */
        private static Optional<Integer> wholeNumber(String text, int min, int max) {
            try {
                int value = Integer.parseInt(text);
                return value >= min && value <= max ? Optional.of(value) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** {@code 90s}, {@code 5m}, {@code 24h}, {@code 30d}. */
        private static Optional<Duration> duration(String text) {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("([0-9]{1,6})([smhd])").matcher(text);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            long amount = Long.parseLong(matcher.group(1));
            return Optional.of(switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }

        private boolean bool(String key) {
            String value = value(key);
            if (!value.equals("true") && !value.equals("false")) {
                problem(key, "expected true or false, got '" + value + "'");
            }
            return value.equals("true");
        }

        private int integer(String key, int min, int max) {
            String value = value(key);
            return wholeNumber(value, min, max).orElseGet(() -> {
                problem(key, "expected a whole number from " + min + " to " + max + ", got '" + value + "'");
                return min;
            });
        }
    }

    /** Percent-decoding as libpq does it: a '+' stays a '+' (URLDecoder alone would turn it into a space). */
    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Setting firstNonBlank(Setting... candidates) {
        for (Setting candidate : candidates) {
            if (candidate.value() != null && !candidate.value().isBlank()) {
                return candidate;
            }
        }
        return null;
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
