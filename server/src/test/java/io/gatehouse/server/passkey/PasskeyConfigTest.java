package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passkey settings of the configuration: defaults, environment overrides, and the checks at start. */
class PasskeyConfigTest {
    @TempDir
    Path data;

    @Test
    void by_default_only_es256_is_allowed_and_no_metadata_is_read() {
        GatehouseConfig.Passkeys passkeys = load(Map.of(), Map.of()).passkeys();
        assertThat(passkeys.algorithms()).containsExactly("ES256");
        assertThat(passkeys.metadataBlob()).isEmpty();
        assertThat(passkeys.metadataCrls()).isEmpty();
        assertThat(passkeys.extraRoots()).isEmpty();
    }

    @Test
    void the_environment_sets_every_passkey_key() throws IOException {
        Path blob = Files.writeString(data.resolve("mds.jwt"), "blob");
        Path crls = Files.writeString(data.resolve("mds.crl"), "crls");
        Path roots = Files.writeString(data.resolve("roots.pem"), "roots");
        GatehouseConfig.Passkeys passkeys = load(Map.of("GATEHOUSE_PASSKEY_ALGORITHMS", "ES256, EdDSA",
                "GATEHOUSE_PASSKEY_METADATA_BLOB", blob.toString(), "GATEHOUSE_PASSKEY_METADATA_CRLS",
                crls.toString(), "GATEHOUSE_PASSKEY_EXTRA_ROOTS", roots.toString()), Map.of()).passkeys();
        assertThat(passkeys.algorithms()).containsExactly("ES256", "EdDSA");
        assertThat(passkeys.metadataBlob()).contains(blob);
        assertThat(passkeys.metadataCrls()).contains(crls);
        assertThat(passkeys.extraRoots()).contains(roots);
        assertThat(new PasskeySettings(passkeys.algorithms(), passkeys.metadataBlob(), java.util.Optional.empty(),
                passkeys.metadataCrls(), passkeys.extraRoots()).coseAlgorithms()).hasSize(2);
    }

    @Test
    void unknown_algorithms_missing_files_and_revocation_lists_without_a_blob_are_each_named_at_start() {
        assertThatThrownBy(() -> load(Map.of("GATEHOUSE_PASSKEY_ALGORITHMS", "ES256,RS1",
                "GATEHOUSE_PASSKEY_METADATA_CRLS", data.toString(), "GATEHOUSE_PASSKEY_EXTRA_ROOTS",
                data.resolve("absent.pem").toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("passkey.algorithms: expected a comma-separated list of [ES256, EdDSA, ES384,"
                        + " ES512, RS256], got 'RS1' (set by GATEHOUSE_PASSKEY_ALGORITHMS)")
                .hasMessageContaining("passkey.metadata-crls: expected a readable file")
                .hasMessageContaining("is not a readable file")
                .hasMessageContaining("passkey.extra-roots: expected a readable file")
                .hasMessageContaining("does not exist");
    }

    @Test
    void revocation_lists_need_the_blob_they_belong_to() throws IOException {
        Path crls = Files.writeString(data.resolve("mds.crl"), "crls");
        assertThatThrownBy(() -> load(Map.of("GATEHOUSE_PASSKEY_METADATA_CRLS", crls.toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set passkey.metadata-blob too");
    }

    private GatehouseConfig load(Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(overrides);
        all.put("data", data.toString());
        return ConfigLoader.load(environment, all);
    }

    @Test
    void the_known_algorithms_are_the_ones_passkey_settings_accept() {
        for (String name : GatehouseConfig.Passkeys.ALGORITHMS) {
            assertThat(new PasskeySettings(List.of(name), java.util.Optional.empty(), java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.empty()).algorithms()).containsExactly(name);
        }
    }
}
