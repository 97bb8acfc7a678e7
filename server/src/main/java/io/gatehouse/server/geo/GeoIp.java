package io.gatehouse.server.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.gatehouse.server.common.IpLiteral;
import io.gatehouse.server.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The country of an IP address, from a database in MaxMind DB format that the operator configures. Two record
 * layouts are read: GeoIP2 and GeoLite2 Country or City ({@code country.iso_code}, else
 * {@code registered_country.iso_code}) and the flat layout of the free ip-location-db country databases
 * ({@code country_code}). Without a database, or for an address it does not hold (private networks), the country is
 * unknown. Lookups take no lock and make no network request; the file is memory-mapped once.
 */
public final class GeoIp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GeoIp.class);
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    /** What a database without countries answers, such as {@code ZZ} for unassigned space in some files. */
    private static final List<String> NO_COUNTRY = List.of("ZZ", "XX");

    private final Reader reader;
    private final String description;

    private GeoIp(Reader reader, String description) {
        this.reader = reader;
        this.description = description;
    }

    /** Knows no country: for an installation without an address database. */
    public static GeoIp none() {
        return new GeoIp(null, "none");
    }

    /**
     * Opens the database at {@code path}, or none when there is no path.
     *
     * @throws ConfigException when the file cannot be read as a MaxMind DB
     */
    public static GeoIp open(Optional<Path> path) {
        if (path.isEmpty()) {
            return none();
        }
        try {
            Reader reader = new Reader(path.get().toFile(), new CHMCache());
            String description = reader.getMetadata().getDatabaseType() + " (" + path.get() + ")";
            LOG.info("address database {}", description);
            return new GeoIp(reader, description);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(List.of("the address database " + path.get() + " cannot be read as a MaxMind"
                    + " DB file: " + e.getMessage()));
        }
    }

    /** True when a database is configured. */
    public boolean enabled() {
        return reader != null;
    }

    /** The database type and file, for logs and the console. */
    public String description() {
        return description;
    }

    /** The ISO 3166 country code of {@code address} (an IP literal), if the database knows it. */
    public Optional<String> country(String address) {
        if (reader == null) {
            return Optional.empty();
        }
        Optional<byte[]> literal = IpLiteral.parse(address);
        if (literal.isEmpty()) {
            return Optional.empty();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = reader.get(InetAddress.getByAddress(literal.get()), Map.class);
            return record == null ? Optional.empty() : countryOf(record);
        } catch (UnknownHostException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // A damaged record costs the country of one request, never the request itself.
            LOG.warn("address database lookup failed: {}", e.toString());
            return Optional.empty();
        }
    }

    private static Optional<String> countryOf(Map<String, Object> record) {
        Optional<String> code = text(record.get("country_code"));
        if (code.isEmpty()) {
            code = isoCode(record.get("country")).or(() -> isoCode(record.get("registered_country")));
        }
        return code.map(value -> value.toUpperCase(Locale.ROOT))
                .filter(value -> COUNTRY.matcher(value).matches() && !NO_COUNTRY.contains(value));
    }

    private static Optional<String> isoCode(Object section) {
        return section instanceof Map<?, ?> map ? text(map.get("iso_code")) : Optional.empty();
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.warn("closing the address database failed: {}", e.toString());
            }
        }
    }
}
