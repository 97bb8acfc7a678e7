package io.gatehouse.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A free country database in MaxMind DB format: the npm package {@code @ip-location-db/geo-whois-asn-country-mmdb}
 * (CC0), from a global or a local npm installation. A test that needs it is skipped with a message on a machine
 * without it; CI installs it.
 */
public final class CountryDatabase {
    private static final String FILE = "@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb";
    private static final List<Path> PLACES = List.of(Path.of("/usr/lib/node_modules").resolve(FILE),
            Path.of("/usr/local/lib/node_modules").resolve(FILE), Path.of("node_modules").resolve(FILE),
            Path.of("../node_modules").resolve(FILE));

    private CountryDatabase() {
    }

    /** The database file; skips the calling test when the package is not installed. */
    public static Path require() {
        for (Path place : PLACES) {
            if (Files.isRegularFile(place)) {
                return place.toAbsolutePath();
            }
        }
        Assumptions.assumeTrue(false, "the country database is not installed; install it to run this test: npm"
                + " install -g @ip-location-db/geo-whois-asn-country-mmdb");
        throw new IllegalStateException("unreachable");
    }
}
