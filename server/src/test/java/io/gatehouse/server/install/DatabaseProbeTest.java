package io.gatehouse.server.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.Services;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PostgreSQL server that cannot be reached is named with the reason; no file is created, no password printed. */
class DatabaseProbeTest {
    @TempDir
    Path root;

    GatehouseConfig postgresAt(String url) {
        return ConfigLoader.load(Map.of(), Map.of("data", root.resolve("data").toString(), "db.url", url,
                "db.password", "do-not-print-me"));
    }

    @Test
    void a_refused_connection_names_host_port_database_and_user_and_creates_nothing() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GatehouseConfig config = postgresAt("postgresql://gatehouse@127.0.0.1:" + port + "/gatehouse");
        assertThatThrownBy(() -> Gatehouse.start(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessage("cannot connect to PostgreSQL database 'gatehouse' on 127.0.0.1:" + port + " as user"
                        + " 'gatehouse': connection refused (is PostgreSQL running and listening on that address and"
                        + " port?); nothing was created");
        assertThat(root.resolve("data")).doesNotExist();
    }

    @Test
    void an_unknown_host_is_named_as_such() {
        GatehouseConfig config = postgresAt("postgresql://gatehouse@db.invalid:5432/gatehouse");
        assertThatThrownBy(() -> Services.openExisting(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining("on db.invalid:5432 as user 'gatehouse': unknown host")
                .message().doesNotContain("do-not-print-me");
        assertThat(root.resolve("data")).doesNotExist();
    }
}
