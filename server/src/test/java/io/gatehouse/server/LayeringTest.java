package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The typed core's layering, checked on the compiled classes (their constant pools name every class they refer to
 * and hold every SQL string they run): HTTP types stay in the HTTP layer and the controllers, and each table is
 * touched by its feature's store alone.
 */
class LayeringTest {
    private static final Pattern HTTP_TYPE = Pattern.compile("(io/javalin/[A-Za-z0-9_/$]+|io/gatehouse/server/http/"
            + "[A-Za-z0-9_$]+)");

    /**
     * Each table's owner: the feature's package (relative to the server package), or for {@code devices} the one
     * class, that alone may name it in SQL. A new table must be given an owner here.
     */
    private static final Map<String, String> OWNERS = Map.ofEntries(
            Map.entry("access_replay", "access/"), Map.entry("access_rules", "access/"), Map.entry("doors", "access/"),
            Map.entry("reader_events", "access/"), Map.entry("reader_provisioning", "access/"),
            Map.entry("readers", "access/"), Map.entry("sites", "access/"), Map.entry("zones", "access/"),
            Map.entry("alert_cursor", "alert/"), Map.entry("alert_rules", "alert/"), Map.entry("alerts", "alert/"),
            Map.entry("webhook_deliveries", "alert/"), Map.entry("webhooks", "alert/"),
            Map.entry("api_tokens", "auth/"), Map.entry("bootstrap_links", "auth/"),
            Map.entry("audit_chain_head", "audit/"), Map.entry("audit_log", "audit/"),
            Map.entry("code_branding", "codes/"), Map.entry("code_scans", "codes/"),
            Map.entry("managed_codes", "codes/"), Map.entry("console_sessions", "console/"),
            Map.entry("device_enrollments", "device/"), Map.entry("devices", "device/DeviceStore"),
            Map.entry("kiosks", "kiosk/"), Map.entry("pass_bind_links", "kiosk/"),
            Map.entry("pass_ceremonies", "kiosk/"), Map.entry("pass_kiosk_state", "kiosk/"),
            Map.entry("pass_passkeys", "kiosk/"), Map.entry("login_request_ceremonies", "login/"),
            Map.entry("login_requests", "login/"), Map.entry("mail_outbox", "mail/"),
            Map.entry("master_key_checks", "crypto/"), Map.entry("minting_keys", "wallet/"),
            Map.entry("oidc_assertion_ids", "oidc/"), Map.entry("oidc_clients", "oidc/"),
            Map.entry("oidc_codes", "oidc/"), Map.entry("oidc_sessions", "oidc/"),
            Map.entry("oidc_signing_keys", "oidc/"), Map.entry("oidc_tokens", "oidc/"),
            Map.entry("passkey_challenges", "passkey/"), Map.entry("passkeys", "passkey/"),
            Map.entry("recovery_codes", "totp/"), Map.entry("role_policies", "policy/"),
            Map.entry("server_keys", "reader/"), Map.entry("totp_credentials", "totp/"),
            Map.entry("totp_enrollments", "totp/"), Map.entry("totp_rejection_windows", "totp/"),
            Map.entry("totp_source_throttle", "totp/"), Map.entry("user_roles", "user/"), Map.entry("users", "user/"),
            Map.entry("visitor_doors", "visitor/"), Map.entry("visitor_zones", "visitor/"),
            Map.entry("visitors", "visitor/"));

    /**
     * Where another feature names a table in SQL, and why; each is a join or lock in the one statement that a
     * decision's round trip needs, not a second way to change the owner's data.
     */
    private static final Map<String, String> SHARED = Map.ofEntries(
            Map.entry("device/DeviceStore users", "a credential is read with its user's status in one statement"),
            Map.entry("device/DeviceStore user_roles", "and with its user's roles"),
            Map.entry("access/DoorStore user_roles", "the users a zone's rules name, by role, in one statement"),
            Map.entry("totp/TotpStore users", "a verification locks the user row and reads the credential with it"),
            Map.entry("totp/ThrottleStore users", "the lockout counters are columns of the user row, locked with it"),
            Map.entry("access/ReaderStore audit_log", "an upload's claims include scans recorded before reader_events"
                    + " existed (V5), found only in the audit log"),
            Map.entry("install/DatabaseProbe master_key_checks", "the installer probes a database before the server"
                    + " starts on it"));

    @Test
    void no_service_or_store_refers_to_an_http_or_javalin_type() {
        TreeSet<String> references = new TreeSet<>();
        for (Path file : classes()) {
            String name = relative(file);
            if (name.startsWith("http/") || isHttpFacing(name)) {
                continue;
            }
            Matcher types = HTTP_TYPE.matcher(text(file));
            while (types.find()) {
                references.add(name + " -> " + types.group(1));
            }
        }
        assertThat(references).as("HTTP types referred to outside the HTTP layer and the controllers").isEmpty();
    }

    @Test
    void each_table_is_named_in_sql_by_its_feature_alone() {
        TreeSet<String> strays = new TreeSet<>();
        OWNERS.forEach((table, owner) -> {
            Pattern sql = Pattern.compile("(?i)\\b(FROM|JOIN|INTO|UPDATE)\\s+" + table + "\\b");
            for (Path file : classes()) {
                String name = relative(file);
                String type = name.replaceAll("\\$.*", "").replace(".class", "");
                if (!name.startsWith(owner) && !SHARED.containsKey(type + " " + table)
                        && sql.matcher(text(file)).find()) {
                    strays.add(name + " names table " + table);
                }
            }
        });
        assertThat(strays).as("SQL on a table outside the feature that owns it").isEmpty();
    }

    @Test
    void every_table_of_the_migrations_has_an_owner() throws IOException {
        TreeSet<String> created = new TreeSet<>();
        Pattern table = Pattern.compile("(?i)CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)");
        Path migrations = root().resolve("../../../db/migration").normalize();
        try (Stream<Path> files = Files.list(migrations)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Matcher found = table.matcher(Files.readString(file));
                while (found.find()) {
                    created.add(found.group(1));
                }
            }
        }
        // A table that a later migration replaces under the same name, and one that is dropped again.
        created.remove("device_enrollments_v");
        assertThat(created).hasSizeGreaterThan(40);
        assertThat(OWNERS.keySet()).containsAll(created);
    }

    @Test
    void the_checks_see_what_they_look_for() {
        assertThat(HTTP_TYPE.matcher(text(root().resolve("http/ProblemMapper.class"))).find()).isTrue();
        assertThat(Pattern.compile("(?i)\\bFROM\\s+devices\\b").matcher(text(root().resolve("device/DeviceStore.class")))
                .find()).isTrue();
    }

    /**
     * The console's web layer besides its controllers and pages: the session filter, the failure pages and the form
     * reader. Its sessions, sign-in and bootstrap services are held to the rule like every other service.
     */
    private static final java.util.Set<String> CONSOLE_WEB = java.util.Set.of("console/ConsoleAccess",
            "console/ConsoleErrors", "console/ConsoleForm");

    /** The composition root, controllers and page renderers speak HTTP by design. */
    private static boolean isHttpFacing(String name) {
        String simple = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\$.*", "").replace(".class", "");
        String type = name.replaceAll("\\$.*", "").replace(".class", "");
        return !name.contains("/") || simple.endsWith("Controller") || simple.endsWith("Pages")
                || CONSOLE_WEB.contains(type);
    }

    private static List<Path> classes() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(file -> file.toString().endsWith(".class")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path file) {
        return root().relativize(file).toString();
    }

    private static String text(Path file) {
        try {
            // ISO-8859-1 maps every byte to one char, so the class file's ASCII names and strings read as they are.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        try {
            return Path.of(Gatehouse.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("io/gatehouse/server");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the location of the compiled classes is not a file path", e);
        }
    }
}
