package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.server.Services;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse admin keys rotate-minting-key} as a separate process: the first run publishes a next key while
 * the old one mints, the second makes it mint and retires the old one; each run is audited as {@code cli}.
 */
class MintingKeyRotationIT {
    @TempDir
    Path root;

    @Test
    void two_runs_publish_the_next_minting_key_then_switch_to_it_and_retire_the_old_one() throws Exception {
        GatehouseConfig config = ConfigLoader.load(Map.of(), Map.of("data", root.resolve("data").toString()));
        try (Services services = Services.open(config, Clock.systemUTC())) {
            services.reader().mintingKeys().ensureActive();
        }
        String data = config.dataDirectory().toString();

        CommandLineIT.Run first = CommandLineIT.run("admin", "keys", "rotate-minting-key", "--data", data);
        assertThat(first.exit()).as(first.stdout() + first.stderr()).isEqualTo(0);
        assertThat(first.lastLine()).isEqualTo("created the next minting key 2; bundles now publish it. Run this"
                + " again once every reader has synced, to mint with it.");
        try (Services services = Services.openExisting(config, Clock.systemUTC())) {
            assertThat(services.reader().mintingKeys().published()).extracting(MintingKey::keyId)
                    .containsExactly(1, 2);
            assertThat(services.reader().mintingKeys().signingKey().keyId()).isEqualTo(1);
        }

        CommandLineIT.Run second = CommandLineIT.run("admin", "keys", "rotate-minting-key", "--data", data);
        assertThat(second.exit()).as(second.stdout() + second.stderr()).isEqualTo(0);
        assertThat(second.lastLine()).startsWith("minting key 2 now mints; the previous key is retired");
        try (Services services = Services.openExisting(config, Clock.systemUTC())) {
            assertThat(services.reader().mintingKeys().published()).extracting(MintingKey::keyId)
                    .containsExactly(2);
            assertThat(services.reader().mintingKeys().signingKey().keyId()).isEqualTo(2);
            List<String> audited = services.core().database().read(tx -> tx.query("SELECT actor || ' ' || result"
                    + " FROM audit_log WHERE action = 'keys.minting.rotate'", rs -> rs.getString(1)));
            assertThat(audited).containsExactly("cli success", "cli success");
        }
        CommandLineIT.Run verify = CommandLineIT.run("audit", "verify", "--data", data);
        assertThat(verify.exit()).as(verify.stdout()).isEqualTo(0);
    }
}
