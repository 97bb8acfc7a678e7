package io.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The axe-core accessibility checker (npm package {@code axe-core}), read from a global or a local npm installation.
 * Like {@link ExternalTool}, a test that needs it is skipped with a message on a machine without it; CI installs it.
 */
public final class Axe {
    private static final List<Path> PLACES = List.of(Path.of("/usr/lib/node_modules/axe-core/axe.min.js"),
            Path.of("/usr/local/lib/node_modules/axe-core/axe.min.js"), Path.of("node_modules/axe-core/axe.min.js"),
            Path.of("../node_modules/axe-core/axe.min.js"));

    private Axe() {
    }

    /** The script's source; skips the calling test when axe-core is not installed. */
    public static String require() {
        for (Path place : PLACES) {
            if (Files.isRegularFile(place)) {
                try {
                    return Files.readString(place);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        Assumptions.assumeTrue(false, "axe-core is not installed; install it to run this test: npm install -g"
                + " axe-core");
        throw new IllegalStateException("unreachable");
    }
}
