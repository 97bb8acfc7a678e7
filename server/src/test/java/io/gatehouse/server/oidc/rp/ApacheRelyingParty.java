package io.gatehouse.server.oidc.rp;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real relying party: Apache httpd with Debian's mod_auth_openidc, registered at Gatehouse as a confidential
 * client, protecting {@code /protected/}. The protected page is a shell CGI that prints the {@code OIDC_CLAIM_*}
 * variables the module hands it, one {@code OIDC_CLAIM_name=value} line each, so a test sees the claims of the ID
 * token (and userinfo) as the application would. {@code /protected/strong/} asks for the phishing-resistant level
 * and sends a person signed in at a lower one back to Gatehouse to step up. Apache runs in the foreground as a child
 * process with its own configuration in a temporary directory, on a free port of 127.0.0.1 and named
 * {@code localhost} like Gatehouse, so that the browser keeps one cookie jar for both. Skipped with a message on a
 * machine without Apache or the module; CI installs both. Close it at the end of the test.
 */
public final class ApacheRelyingParty implements AutoCloseable {
    static final Path HTTPD = Path.of("/usr/sbin/apache2");
    static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /** The name Apache is registered under, which the sign-in page and the phone show. */
    static final String CLIENT_NAME = "Apache";
    static final String PROTECTED = "/protected/";
    static final String REDIRECT_PATH = "/protected/redirect_uri";
    /** A page that asks for the raised level: a person signed in with a code only is sent back to step up. */
    static final String STRONG = "/protected/strong/";
    static final String PHISHING_RESISTANT = "urn:gatehouse:acr:phr";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** The modules the configuration uses and no more: one MPM, authentication and authorization, CGI. */
    private static final List<String> MODULES_LOADED = List.of("mpm_prefork", "authn_core", "authz_core",
            "authz_user", "alias", "cgi", "auth_openidc");

    private final Path root;
    private final Process httpd;
    private final int port;
    private final String clientId;

    private ApacheRelyingParty(Path root, Process httpd, int port, String clientId) {
        this.root = root;
        this.httpd = httpd;
        this.port = port;
        this.clientId = clientId;
    }

    /** Registers a client at {@code gatehouse} and starts Apache for it; skips the test when Apache is missing. */
    public static ApacheRelyingParty start(TestServer gatehouse) {
        requireInstalled();
        int port = TestServer.freePort();
        String base = "http://localhost:" + port;
        HttpResult registered = gatehouse.post("/api/v1/oidc/clients", Map.of("name", CLIENT_NAME, "redirectUris",
                List.of(base + REDIRECT_PATH), "public", false));
        if (registered.status() != 201) {
            throw new AssertionError("expected 201 registering the Apache client, got " + registered);
        }
        JsonNode client = registered.json();
        String issuer = gatehouse.gatehouse().baseUrl().toString().replaceAll("/$", "");
        Path root = createRoot();
        try {
            writeClaimsScript(root);
            Path config = root.resolve("httpd.conf");
            Files.writeString(config, config(root, port, issuer, client.get("clientId").asText(),
                    client.get("clientSecret").asText()));
            // A session of its own: at shutdown Apache signals its whole process group, which would be the JVM's.
            Process httpd = new ProcessBuilder(SETSID.toString(), HTTPD.toString(), "-f", config.toString(),
                    "-DFOREGROUND")
                    .redirectErrorStream(true).redirectOutput(root.resolve("console.log").toFile()).start();
            ApacheRelyingParty apache = new ApacheRelyingParty(root, httpd, port, client.get("clientId").asText());
            apache.awaitListening();
            return apache;
        } catch (IOException e) {
            deleteTree(root);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            deleteTree(root);
            throw e;
        }
    }

    private static void requireInstalled() {
        String install = "; install it to run this test: apt-get install apache2 libapache2-mod-auth-openidc";
        Assumptions.assumeTrue(Files.isExecutable(HTTPD), HTTPD + " is not installed" + install);
        Assumptions.assumeTrue(Files.isExecutable(SETSID), SETSID + " is not installed; apt-get install util-linux");
        for (String module : MODULES_LOADED) {
            Path file = MODULES.resolve("mod_" + module + ".so");
            Assumptions.assumeTrue(Files.isRegularFile(file), file + " is not installed" + install);
        }
    }

    /**
     * Apache's children run as www-data when the test runs as root (Apache refuses to serve as root), so the
     * directory and the script must be readable by others; nothing secret is in them but the client's.
     */
    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("gatehouse-apache-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.createDirectories(root.resolve("run"));
            Files.createDirectories(root.resolve("htdocs"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeClaimsScript(Path root) throws IOException {
        Path script = root.resolve("claims");
        Files.writeString(script, """
                #!/bin/sh
                printf 'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
                env | grep '^OIDC_CLAIM_' | sort
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String config(Path root, int port, String issuer, String clientId, String clientSecret) {
        StringBuilder modules = new StringBuilder();
        for (String module : MODULES_LOADED) {
            modules.append("LoadModule ").append(module).append("_module ").append(MODULES.resolve("mod_" + module
                    + ".so")).append('\n');
        }
        byte[] passphrase = new byte[24];
        new SecureRandom().nextBytes(passphrase);
        return """
                ServerRoot "%1$s"
                ServerName localhost
                Listen 127.0.0.1:%2$d
                PidFile "%1$s/run/httpd.pid"
                DefaultRuntimeDir "%1$s/run"
                Mutex file:%1$s/run default
                ErrorLog "%1$s/error.log"
                LogLevel warn auth_openidc:info
                %3$s
                User www-data
                Group www-data
                StartServers 2
                DocumentRoot "%1$s/htdocs"

                OIDCProviderMetadataURL %4$s/.well-known/openid-configuration
                OIDCClientID %5$s
                OIDCClientSecret %6$s
                OIDCRedirectURI http://localhost:%2$d%7$s
                OIDCCryptoPassphrase %8$s
                OIDCScope "openid"
                OIDCPKCEMethod S256

                ScriptAliasMatch "^/protected(/|/strong/)?$" "%1$s/claims"
                <Location /protected>
                    AuthType openid-connect
                    Require valid-user
                </Location>
                <Location /protected/strong>
                    OIDCPathAuthRequestParams acr_values=%9$s
                    OIDCUnAutzAction auth
                    Require claim acr:%9$s
                </Location>
                """.formatted(root, port, modules, issuer, clientId, clientSecret, REDIRECT_PATH,
                HexFormat.of().formatHex(passphrase), PHISHING_RESISTANT);
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!httpd.isAlive()) {
                throw new IllegalStateException("Apache stopped at start (exit " + httpd.exitValue() + "): "
                        + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(50));
            }
        }
        throw new IllegalStateException("Apache does not listen on " + port + " after " + START_TIMEOUT + ": "
                + log());
    }

    /** {@code http://localhost:<port>}: the name the browser uses for Gatehouse too. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** The page that needs a sign-in and shows the claims. */
    public String protectedUrl() {
        return baseUrl() + PROTECTED;
    }

    /** The page that needs a phishing-resistant sign-in ({@code acr} {@value #PHISHING_RESISTANT}). */
    public String strongUrl() {
        return baseUrl() + STRONG;
    }

    /** Where Gatehouse sends the code: mod_auth_openidc's redirect URI, as registered. */
    public String redirectUri() {
        return baseUrl() + REDIRECT_PATH;
    }

    public String clientId() {
        return clientId;
    }

    /** Apache's console and error log, for an assertion's message. */
    public String log() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("console.log", "error.log")) {
            Path file = root.resolve(name);
            try {
                if (Files.exists(file)) {
                    text.append("\n--- ").append(name).append('\n').append(Files.readString(file,
                            StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                text.append("\n--- ").append(name).append(" unreadable: ").append(e);
            }
        }
        return text.toString();
    }

    /** The claims the protected page shows ({@code OIDC_CLAIM_sub=…} lines), by claim name. */
    public static Map<String, String> claims(String pageText) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (String line : pageText.split("\\R")) {
            int equals = line.indexOf('=');
            if (line.startsWith("OIDC_CLAIM_") && equals > 0) {
                claims.put(line.substring("OIDC_CLAIM_".length(), equals), line.substring(equals + 1));
            }
        }
        return claims;
    }

    /** The query parameters of {@code uri}, decoded. */
    public static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Stops Apache and every child it forked, then removes its directory. */
    @Override
    public void close() {
        List<ProcessHandle> children = httpd.descendants().toList();
        httpd.destroy();
        try {
            if (!httpd.waitFor(5, TimeUnit.SECONDS)) {
                httpd.destroyForcibly();
                httpd.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            deleteTree(root);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory does no harm to the next test.
        }
    }
}
