package io.gatehouse.server.crypto;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key file that cannot read the stored data is refused at start, even when its key ids look right. */
@DatabaseTest
class KeyFileCheckTest {
    @TempDir
    Path data;

    @Test
    void a_replaced_key_file_with_the_same_key_id_is_refused() throws Exception {
        GatehouseConfig config = ConfigLoader.load(java.util.Map.of(), TestDatabases.fresh(data));
        Gatehouse.Services.open(config, Clock.systemUTC()).close();
        Files.delete(config.masterKeyFile());
        assertThatThrownBy(() -> Gatehouse.Services.open(config, Clock.systemUTC()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("differs from the key of that id");
    }

    @Test
    void a_missing_key_file_is_an_error_for_commands_that_must_not_create_one() {
        GatehouseConfig config = ConfigLoader.load(java.util.Map.of(), TestDatabases.fresh(data));
        assertThatThrownBy(() -> Gatehouse.Services.open(config, Clock.systemUTC(), false))
                .isInstanceOf(CryptoException.class).hasMessageContaining("does not exist");
    }
}
