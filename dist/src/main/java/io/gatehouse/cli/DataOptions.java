package io.gatehouse.cli;

import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that touches the data shares; unset ones fall back to GATEHOUSE_* and the file. */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ./data or GATEHOUSE_DATA).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: DIR/gatehouse.properties).")
    Path config;

    GatehouseConfig load(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(more);
        if (data != null) {
            overrides.put("data", data.toString());
        }
        if (config != null) {
            overrides.put("config", config.toString());
        }
        return ConfigLoader.load(overrides);
    }
}
