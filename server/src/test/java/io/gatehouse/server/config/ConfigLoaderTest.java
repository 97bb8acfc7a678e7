package io.gatehouse.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path data;

    @Test
    void defaults_give_sqlite_in_the_data_directory() {
        GatehouseConfig config = ConfigLoader.load(Map.of(), Map.of("data", data.toString()));
        assertThat(config.databaseUrl()).isEqualTo("jdbc:sqlite:" + data.resolve("gatehouse.db"));
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.masterKeyFile()).isEqualTo(data.resolve("master.key"));
        assertThat(config.publicBaseUrl()).isEmpty();
        assertThat(config.issuer()).isEqualTo("Gatehouse");
    }

    @Test
    void environment_overrides_the_file_and_flags_override_the_environment() throws Exception {
        Files.writeString(data.resolve("gatehouse.properties"), "port=9000\nissuer=Acme\n");
        GatehouseConfig config = ConfigLoader.load(Map.of("GATEHOUSE_PORT", "9100", "GATEHOUSE_DATA", data.toString()),
                Map.of());
        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.issuer()).isEqualTo("Acme");
        assertThat(ConfigLoader.load(Map.of("GATEHOUSE_PORT", "9100"), Map.of("data", data.toString(), "port",
                "9200")).port()).isEqualTo(9200);
    }

    @Test
    void a_libpq_postgres_url_becomes_jdbc_with_its_credentials() {
        GatehouseConfig config = ConfigLoader.load(Map.of("GATEHOUSE_DB_URL",
                "postgresql://gate:s%40cret@db.internal:5433/gatehouse?sslmode=require"), Map.of("data",
                data.toString()));
        assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/gatehouse?sslmode=require");
        assertThat(config.databaseUser()).isEqualTo("gate");
        assertThat(config.databasePassword()).isEqualTo("s@cret");
        assertThat(config.isSqlite()).isFalse();
        assertThat(config.toString()).doesNotContain("s@cret");
    }

    @Test
    void every_invalid_value_is_reported_at_once() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_PORT", "eighty", "GATEHOUSE_ISSUER", "a:b",
                "GATEHOUSE_PUBLIC_BASE_URL", "ftp://x", "GATEHOUSE_DB_URL", "mysql://x"), Map.of("data",
                data.toString())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(4))
                .hasMessageContaining("GATEHOUSE_PORT").hasMessageContaining("issuer")
                .hasMessageContaining("public-base-url").hasMessageContaining("db.url");
    }

    @Test
    void an_unknown_key_in_the_file_is_an_error() throws Exception {
        Files.writeString(data.resolve("gatehouse.properties"), "prot=9000\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("data", data.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("prot");
    }

    @Test
    void the_public_base_url_loses_its_trailing_slash() {
        assertThat(ConfigLoader.load(Map.of("GATEHOUSE_PUBLIC_BASE_URL", "https://gate.example.com/"),
                Map.of("data", data.toString())).publicBaseUrl().orElseThrow())
                .hasToString("https://gate.example.com");
    }

    @Test
    void a_bad_value_names_the_flag_the_environment_variable_or_the_file_it_came_from() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_PORT", "8081"), Map.of("data", data.toString(),
                "port", "99999")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "port: expected a whole number from 0 to 65535, got '99999' (set by --port)"));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_PORT", "99999"), Map.of("data", data.toString())))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "port: expected a whole number from 0 to 65535, got '99999' (set by GATEHOUSE_PORT)"));
        Path file = data.resolve("gatehouse.properties");
        Files.writeString(file, "port=99999\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("data", data.toString())))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "port: expected a whole number from 0 to 65535, got '99999' (set in " + file + ")"));
    }

    @Test
    void a_malformed_database_url_is_reported_without_its_password() {
        for (String url : new String[] {"postgresql://gate:top secret@db.internal/gatehouse",
                "postgresql://gate:top%zzsecret@db.internal/gatehouse", "mysql://gate:topsecret@db.internal/gatehouse",
                "postgresql://gate:topsecret@db_internal/gatehouse", "jdbc:postgresql//gate:top@secret@db/gatehouse",
                "host=db.internal user=gate password=topsecret"}) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_DB_URL", url), Map.of("data",
                    data.toString())))
                    .as(url).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("db.url: expected").hasMessageContaining("(set by GATEHOUSE_DB_URL)")
                    .hasMessageNotContaining("secret").hasMessageNotContaining("top");
        }
    }

    @Test
    void a_public_base_url_with_user_info_is_refused_without_echoing_the_password() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_PUBLIC_BASE_URL",
                "https://ops:hunter2@gate.example.com"), Map.of("data", data.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("public-base-url: expected an absolute http(s) URL without user info")
                .hasMessageContaining("https://ops:***@gate.example.com").hasMessageNotContaining("hunter2");
    }

    @Test
    void a_plus_in_a_url_password_stays_a_plus() {
        assertThat(ConfigLoader.load(Map.of("GATEHOUSE_DB_URL", "postgresql://gate:a+b%2Bc@db.internal/gatehouse"),
                Map.of("data", data.toString())).databasePassword()).isEqualTo("a+b+c");
    }

    @Test
    void the_printed_configuration_shows_no_password_of_any_form() {
        GatehouseConfig config = ConfigLoader.load(Map.of("GATEHOUSE_DB_URL",
                "jdbc:postgresql://gate:in-url@db.internal/gatehouse?password=in-query", "GATEHOUSE_DB_PASSWORD",
                "in-field"), Map.of("data", data.toString()));
        assertThat(config.toString()).contains("db=jdbc:postgresql://gate:***@db.internal/gatehouse?***")
                .doesNotContain("in-url").doesNotContain("in-query").doesNotContain("in-field");
    }

    @Test
    void mail_takes_the_smtp_variables_and_a_port_that_fits_the_tls_mode() {
        GatehouseConfig config = ConfigLoader.load(Map.of("GATEHOUSE_SMTP_HOST", "mail.example.com",
                "GATEHOUSE_SMTP_FROM", "gatehouse@example.com", "GATEHOUSE_SMTP_TLS", "tls",
                "GATEHOUSE_SMTP_USERNAME", "gate", "GATEHOUSE_SMTP_PASSWORD", "s3cret"), Map.of("data",
                data.toString()));
        assertThat(config.mail().host()).contains("mail.example.com");
        assertThat(config.mail().port()).isEqualTo(465);
        assertThat(config.mail().tls()).isEqualTo(GatehouseConfig.Mail.Tls.TLS);
        assertThat(config.mail().username()).contains("gate");
        assertThat(config.toString()).doesNotContain("s3cret");
        GatehouseConfig defaults = ConfigLoader.load(Map.of(), Map.of("data", data.toString()));
        assertThat(defaults.mail().enabled()).isFalse();
        assertThat(defaults.mail().tls()).isEqualTo(GatehouseConfig.Mail.Tls.STARTTLS);
        assertThat(defaults.mail().port()).isEqualTo(587);
        assertThat(defaults.codes().scanRetention()).hasDays(90);
        assertThat(defaults.visitors().retention()).hasDays(30);
        assertThat(defaults.visitors().siteZone().getId()).isEqualTo("UTC");
        assertThat(defaults.trustedProxies()).isEmpty();
    }

    @Test
    void bad_mail_zone_address_database_and_proxy_settings_are_reported_by_name() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_SMTP_HOST", "mail.example.com",
                "GATEHOUSE_SMTP_TLS", "ssl", "GATEHOUSE_SMTP_USERNAME", "gate", "GATEHOUSE_SITE_TIME_ZONE", "Mars/Base",
                "GATEHOUSE_GEOIP_DATABASE", data.resolve("missing.mmdb").toString(), "GATEHOUSE_GEOIP_ASN_DATABASE",
                data.toString(), "GATEHOUSE_TRUSTED_PROXIES",
                "10.0.0.0/8, proxy.example.com, 10.0.0.1/33"), Map.of("data", data.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp.tls: expected starttls, tls or none, got 'ssl'")
                .hasMessageContaining("smtp.host: expected smtp.from to be the sender's address")
                .hasMessageContaining("smtp.username: expected smtp.password too")
                .hasMessageContaining("site.time-zone: expected a time zone")
                .hasMessageContaining("geoip.database: expected a readable file")
                .hasMessageContaining("geoip.asn-database: expected a readable file (an autonomous-system database in"
                        + " MaxMind DB format), got '" + data + "', which is not a readable file")
                .hasMessageContaining("got 'proxy.example.com'")
                .hasMessageContaining("got '10.0.0.1/33'")
                .hasMessageNotContaining("got '10.0.0.0/8'");
    }

    @Test
    void alert_detection_is_on_unless_switched_off_by_true_or_false() {
        assertThat(ConfigLoader.load(Map.of(), Map.of("data", data.toString())).alerting().detect()).isTrue();
        assertThat(ConfigLoader.load(Map.of("GATEHOUSE_ALERTS_DETECT", "false"), Map.of("data", data.toString()))
                .alerting().detect()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_ALERTS_DETECT", "no"), Map.of("data",
                data.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.detect: expected true or false, got 'no' (set by GATEHOUSE_ALERTS_DETECT)");
    }

    @Test
    void rule_defaults_are_read_per_rule_and_every_bad_field_is_named() {
        GatehouseConfig.Alerting alerting = ConfigLoader.load(Map.of("GATEHOUSE_ALERTS_RULES",
                "failure_spike:threshold=10,window=90s; reader_offline:enabled=false,severity=critical;"),
                Map.of("data", data.toString())).alerting();
        assertThat(alerting.rules()).containsExactly(
                new GatehouseConfig.RuleDefaults("failure_spike", Optional.empty(), Optional.empty(), Optional.of(10),
                        Optional.of(java.time.Duration.ofSeconds(90))),
                new GatehouseConfig.RuleDefaults("reader_offline", Optional.of(false), Optional.of("critical"),
                        Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEHOUSE_ALERTS_RULES", "failure_spike:threshold=0,"
                + "window=1y,colour=red; lockout; lockout:enabled=maybe"), Map.of("data", data.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.rules: failure_spike: threshold: expected a whole number from 1 to 10000")
                .hasMessageContaining("failure_spike: window: expected a number and s, m, h or d")
                .hasMessageContaining("failure_spike: colour: expected one of the fields")
                .hasMessageContaining("got 'lockout'")
                .hasMessageContaining("lockout: enabled: expected true or false");
    }
}
