package io.gatehouse.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The validated, immutable configuration of one Gatehouse process. Built only by {@link ConfigLoader}, which
 * checks every value once at start; nothing reads the environment after that.
 *
 * @param bind address the HTTP server listens on
 * @param port TCP port, 0 for an ephemeral port (tests)
 * @param dataDirectory where the SQLite database and the generated master key live
 * @param databaseUrl JDBC URL; SQLite in the data directory unless set
 * @param databaseUser user for PostgreSQL, empty for SQLite
 * @param databasePassword password for PostgreSQL, empty for SQLite
 * @param publicBaseUrl base of the links Gatehouse hands out; empty means "the address it listens on"
 * @param issuer the issuer name shown in authenticator apps
 * @param masterKeyFile the file holding the master keys that encrypt secrets at rest
 * @param maxBodyBytes largest request body accepted
 * @param databasePoolSize connections in the pool
 * @param lockoutThreshold counted failed second-factor checks, from all sources, that fill a user's failure window
 * @param lockoutDuration how long a user's failure window lasts, and the first lock of one source
 * @param lockoutSourceThreshold counted failures in a row from one source that lock that source out of the user
 * @param lockoutSourceMaxDuration the longest lock of one source (each further lock in a row doubles)
 * @param signIn how long sign-ins to applications last
 * @param mail the SMTP server Gatehouse sends mail through (visitor passes, notices), if any
 * @param codes managed QR codes: the address database and how long scan details are kept
 * @param visitors the site's time zone and how long visitors' personal data is kept
 * @param trustedProxies addresses or networks (CIDR) of proxies whose {@code X-Forwarded-For} is believed
 * @param alerting where alerts go besides the API and webhooks
 */
public record GatehouseConfig(
        String bind,
        int port,
        Path dataDirectory,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        Optional<URI> publicBaseUrl,
        String issuer,
        Path masterKeyFile,
        int maxBodyBytes,
        int databasePoolSize,
        int lockoutThreshold,
        Duration lockoutDuration,
        int lockoutSourceThreshold,
        Duration lockoutSourceMaxDuration,
        Passkeys passkeys,
        Console console,
        SignIn signIn,
        Mail mail,
        Codes codes,
        Visitors visitors,
        List<String> trustedProxies,
        Alerting alerting) {

    public GatehouseConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * The SMTP server mail goes through; {@code host} empty means Gatehouse sends no mail (a pass is then handed
     * over by the person who made it).
     *
     * @param tls {@code starttls} (upgrade a plain connection, refusing to go on without it), {@code tls} (TLS
     *     from the first byte) or {@code none} (a relay on a trusted network only)
     * @param username empty for a server that takes mail without authentication
     * @param trustCaFile a PEM file of the CA certificates the server's certificate must chain to, instead of the
     *     JVM's trust store (a company CA); the server's name is checked against its certificate either way
     */
    public record Mail(Optional<String> host, int port, String from, Tls tls, Optional<String> username,
            String password, Optional<Path> trustCaFile) {
        public static final Mail NONE = new Mail(Optional.empty(), 587, "", Tls.STARTTLS, Optional.empty(), "",
                Optional.empty());

        public enum Tls {
            STARTTLS, TLS, NONE
        }

        public boolean enabled() {
            return host.isPresent();
        }

        @Override
        public String toString() {
            return "Mail[host=" + host.orElse("(none)") + ", port=" + port + ", from=" + from + ", tls=" + tls
                    + ", username=" + username.orElse("(none)") + ", trustCaFile=" + trustCaFile.map(Path::toString)
                    .orElse("(system)") + "]";
        }
    }

    /**
     * Managed QR codes.
     *
     * @param geoipDatabase a country (or city) database in MaxMind DB format; without it scans have no country
     * @param scanRetention how long a scan's details (time, device type, country, truncated address) are kept
     * @param asnDatabase an autonomous-system database in MaxMind DB format, for the {@code unusual_place} rule
     */
    public record Codes(Optional<Path> geoipDatabase, Duration scanRetention, Optional<Path> asnDatabase) {
        public static final Codes DEFAULT = new Codes(Optional.empty(), Duration.ofDays(90), Optional.empty());
    }

    /**
     * Visitors.
     *
     * @param siteZone the time zone visit windows are given in
     * @param retention how long after a visit's window ends the visitor's personal data is kept
     */
    public record Visitors(ZoneId siteZone, Duration retention) {
        public static final Visitors DEFAULT = new Visitors(ZoneId.of("UTC"), Duration.ofDays(30));
    }

    /**
     * How long a console session lives: it ends after {@code idleTimeout} without a request, and after
     * {@code absoluteTimeout} however busy it is.
     */
    public record Console(Duration idleTimeout, Duration absoluteTimeout) {
        public static final Console DEFAULT = new Console(Duration.ofMinutes(15), Duration.ofHours(8));
    }

    /**
     * Sign-in to applications (the OpenID Connect provider): a provider session lasts {@code sessionLifetime} after
     * its sign-in; a phishing-resistant authentication raises its level for {@code stepUpLifetime}, after which the
     * level falls back and a client that asks for it again makes the person authenticate again.
     */
    public record SignIn(Duration sessionLifetime, Duration stepUpLifetime) {
        public static final SignIn DEFAULT = new SignIn(Duration.ofHours(8), Duration.ofMinutes(15));
    }

    /**
     * The operator's passkey settings, checked at start: the algorithms a new passkey may use, and the files that
     * attestation trust is decided from, all read from disk (nothing is downloaded at run time).
     *
     * @param algorithms COSE algorithm names, ES256 unless more are allowed
     * @param metadataBlob a FIDO Metadata Service (MDS3) BLOB
     * @param metadataCrls the revocation lists of the BLOB's certificate chain
     * @param extraRoots a PEM file of further attestation roots
     */
    public record Passkeys(List<String> algorithms, Optional<Path> metadataBlob, Optional<Path> metadataCrls,
            Optional<Path> extraRoots) {
        public static final List<String> ALGORITHMS = List.of("ES256", "EdDSA", "ES384", "ES512", "RS256");

        public Passkeys {
            algorithms = List.copyOf(algorithms);
        }
    }

    /**
     * Alert channels configured by the operator.
     *
     * @param syslog {@code udp://host:port} or {@code tcp://host:port} of a syslog receiver (a SIEM), if any
     * @param syslogFormat {@code rfc5424} (text with structured data) or {@code cef} (ArcSight CEF in the message)
     * @param flagWindow how long an unresolved alert about a person flags them (policies may then ask for step-up)
     * @param emailTo the addresses each alert is mailed to (through {@code smtp.*}), none when empty
     * @param emailMinSeverity the least severity mailed: {@code low}, {@code medium}, {@code high} or {@code critical}
     * @param auditExportFile a file the sealed audit records are appended to as JSON lines, for a SIEM, if any
     * @param detect whether this node runs the anomaly rules ({@code alerts.detect}); nodes that share a database
     *     take turns on one cursor, so one node with it on is enough, and off leaves alerts to the others
     * @param rules the operator's defaults for rules ({@code alerts.rules}), in place of the built-in ones; a change
     *     through the API or the console is stored and wins over them
     * @param webhookAllowNetworks networks (CIDR) that webhooks may reach although they are internal: loopback,
     *     private, link-local and other special-purpose addresses are refused otherwise
     *     ({@code alerts.webhook-allow-networks})
     */
    public record Alerting(Optional<URI> syslog, String syslogFormat, Duration flagWindow, List<String> emailTo,
            String emailMinSeverity, Optional<Path> auditExportFile, boolean detect, List<RuleDefaults> rules,
            List<String> webhookAllowNetworks) {
        public static final Alerting NONE = new Alerting(Optional.empty(), "rfc5424", Duration.ofMinutes(60),
                List.of(), "high", Optional.empty(), true, List.of(), List.of());

        public Alerting {
            emailTo = List.copyOf(emailTo);
            rules = List.copyOf(rules);
            webhookAllowNetworks = List.copyOf(webhookAllowNetworks);
        }

        /** A copy that opens these networks to webhooks instead. */
        public Alerting withWebhookAllowNetworks(List<String> networks) {
            return new Alerting(syslog, syslogFormat, flagWindow, emailTo, emailMinSeverity, auditExportFile, detect,
                    rules, networks);
        }
    }

    /**
     * One rule's defaults as {@code alerts.rules} sets them; what is absent keeps the built-in value. The rule's code
     * is checked against the rules when the alert feature starts.
     *
     * @param severity {@code low}, {@code medium}, {@code high} or {@code critical}
     * @param threshold 1 to 10,000
     * @param window 1 s to 400 days
     */
    public record RuleDefaults(String rule, Optional<Boolean> enabled, Optional<String> severity,
            Optional<Integer> threshold, Optional<Duration> window) {
    }

    /** True when the database is the embedded SQLite file rather than an external server. */
    public boolean isSqlite() {
        return databaseUrl.startsWith("jdbc:sqlite:");
    }

    /** A copy listening on another port; used by the CLI's {@code --port}. */
    public GatehouseConfig withPort(int newPort) {
        return new GatehouseConfig(bind, newPort, dataDirectory, databaseUrl, databaseUser, databasePassword,
                publicBaseUrl, issuer, masterKeyFile, maxBodyBytes, databasePoolSize, lockoutThreshold,
                lockoutDuration, lockoutSourceThreshold, lockoutSourceMaxDuration, passkeys, console,
                signIn, mail, codes, visitors, trustedProxies, alerting);
    }

    /** A copy with other alert settings; an operator's edit of {@code alerts.*} before a restart. */
    public GatehouseConfig withAlerting(Alerting newAlerting) {
        return new GatehouseConfig(bind, port, dataDirectory, databaseUrl, databaseUser, databasePassword,
                publicBaseUrl, issuer, masterKeyFile, maxBodyBytes, databasePoolSize, lockoutThreshold,
                lockoutDuration, lockoutSourceThreshold, lockoutSourceMaxDuration, passkeys, console,
                signIn, mail, codes, visitors, trustedProxies, newAlerting);
    }

    /**
     * A copy with another data directory but the same database and key file: a second node beside this one, which
     * needs a data directory of its own (its serve lock and its recorded audit head).
     */
    public GatehouseConfig withDataDirectory(Path newDataDirectory) {
        return new GatehouseConfig(bind, port, newDataDirectory.toAbsolutePath().normalize(), databaseUrl,
                databaseUser, databasePassword, publicBaseUrl, issuer, masterKeyFile, maxBodyBytes, databasePoolSize,
                lockoutThreshold, lockoutDuration, lockoutSourceThreshold, lockoutSourceMaxDuration, passkeys, console,
                signIn, mail, codes, visitors, trustedProxies, alerting);
    }

    @Override
    public String toString() {
        // Never print the database password: not the field, not a password in the URL or its query string.
        return "GatehouseConfig[bind=" + bind + ", port=" + port + ", data=" + dataDirectory + ", db="
                + Redaction.url(databaseUrl) + ", publicBaseUrl="
                + publicBaseUrl.map(URI::toString).orElse("(listen address)")
                + ", issuer=" + issuer + ", masterKeyFile=" + masterKeyFile + ", " + mail + "]";
    }
}
