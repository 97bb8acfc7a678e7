package io.gatehouse.server.crypto;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Services;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key file that cannot read the stored data is refused at start, even when its key ids look right. */
@DatabaseTest
class KeyFileCheckTest {
    @TempDir
    Path data;
    @TempDir
    Path elsewhere;

    @Test
    void a_replaced_key_file_with_the_same_key_id_is_refused() throws Exception {
        GatehouseConfig config = ConfigLoader.load(java.util.Map.of(), TestDatabases.fresh(data));
        Services.open(config, Clock.systemUTC()).close();
        Path other = elsewhere.resolve("master.key");
        MasterKeyring.create(other, new SecureRandom());
        Files.move(other, config.masterKeyFile(), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Services.open(config, Clock.systemUTC()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("differs from the key of that id");
    }
}
