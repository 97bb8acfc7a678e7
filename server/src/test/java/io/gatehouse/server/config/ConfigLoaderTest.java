package io.gatehouse.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
}
