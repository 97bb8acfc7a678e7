package io.gatehouse.cli;

import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that touches the data shares; unset ones fall back to GATEHOUSE_* and the file. */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "The data directory (default: GATEHOUSE_DATA, else data in the current directory).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration file (default: GATEHOUSE_CONFIG, else DIR/gatehouse.properties if it"
                    + " exists).")
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
