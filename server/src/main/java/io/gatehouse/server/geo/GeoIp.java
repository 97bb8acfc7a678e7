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
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The country, network operator and location of an IP address, from databases in MaxMind DB format that the operator
 * configures: a country or city database, and optionally a second one for autonomous systems (the free databases
 * come as separate files). Two record layouts are read:
 * <ul>
 *   <li>GeoIP2 and GeoLite2 Country, City and ASN: {@code country.iso_code} (else
 *       {@code registered_country.iso_code}), {@code location.latitude}, {@code location.longitude} and
 *       {@code location.accuracy_radius} (kilometres), {@code autonomous_system_number};</li>
 *   <li>the flat layout of the free ip-location-db databases: {@code country_code}, {@code latitude} and
 *       {@code longitude} (no radius: {@link #ASSUMED_RADIUS_KM} is assumed), {@code autonomous_system_number}.</li>
 * </ul>
 * Without a database, or for an address it does not hold (private networks), the part it would give is unknown.
 * Lookups take no lock and make no network request; each file is memory-mapped once.
 */
public final class GeoIp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GeoIp.class);
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    /** What a database without countries answers, such as {@code ZZ} for unassigned space in some files. */
    private static final List<String> NO_COUNTRY = List.of("ZZ", "XX");

    /**
     * The accuracy radius taken for a location without one (the flat city layout has none): city-level databases
     * place most addresses within this distance of their city, and a larger radius only makes travel alerts rarer.
     */
    public static final int ASSUMED_RADIUS_KM = 100;

    private final Reader reader;
    private final Reader asnReader;
    private final String description;

    private GeoIp(Reader reader, Reader asnReader, String description) {
        this.reader = reader;
        this.asnReader = asnReader;
        this.description = description;
    }

    /** Knows no place: for an installation without an address database. */
    public static GeoIp none() {
        return new GeoIp(null, null, "none");
    }

    /**
     * Opens the address database at {@code path} and the autonomous-system database at {@code asnPath}, each when
     * given.
     *
     * @throws ConfigException when a file cannot be read as a MaxMind DB
     */
    public static GeoIp open(Optional<Path> path, Optional<Path> asnPath) {
        Reader reader = path.map(GeoIp::reader).orElse(null);
        try {
            Reader asnReader = asnPath.map(GeoIp::reader).orElse(null);
            String description = String.join(", ", java.util.stream.Stream.of(describe(reader, path),
                    describe(asnReader, asnPath)).flatMap(Optional::stream).toList());
            if (reader != null || asnReader != null) {
                LOG.info("address database {}", description);
            }
            return new GeoIp(reader, asnReader, description.isEmpty() ? "none" : description);
        } catch (ConfigException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    private static Reader reader(Path path) {
        try {
            return new Reader(path.toFile(), new CHMCache());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(List.of("the address database " + path + " cannot be read as a MaxMind"
                    + " DB file: " + e.getMessage()));
        }
    }

    private static Optional<String> describe(Reader reader, Optional<Path> path) {
        return reader == null ? Optional.empty()
                : Optional.of(reader.getMetadata().getDatabaseType() + " (" + path.orElseThrow() + ")");
    }

    /**
     * Opens the database at {@code path}, or none when there is no path.
     *
     * @throws ConfigException when the file cannot be read as a MaxMind DB
     */
    public static GeoIp open(Optional<Path> path) {
        return open(path, Optional.empty());
    }

    /** True when a database is configured. */
    public boolean enabled() {
        return reader != null || asnReader != null;
    }

    /** The database type and file, for logs and the console. */
    public String description() {
        return description;
    }

    /** The ISO 3166 country code of {@code address} (an IP literal), if the database knows it. */
    public Optional<String> country(String address) {
        return record(reader, address).flatMap(GeoIp::countryOf);
    }

    /**
     * The place of {@code address} (an IP literal): the country and the point from the address database, the
     * autonomous system from the ASN database (or from the address database when it carries one).
     */
    public Place place(String address) {
        Optional<Map<String, Object>> record = record(reader, address);
        Optional<Map<String, Object>> asnRecord = record(asnReader, address);
        OptionalLong asn = asnOf(asnRecord);
        return new Place(record.flatMap(GeoIp::countryOf), asn.isPresent() ? asn : asnOf(record),
                record.flatMap(GeoIp::pointOf));
    }

    private static Optional<Map<String, Object>> record(Reader from, String address) {
        if (from == null) {
            return Optional.empty();
        }
        Optional<byte[]> literal = IpLiteral.parse(address);
        // An IPv4-only database holds no IPv6 address (and its reader refuses to look one up).
        if (literal.isEmpty() || (literal.get().length == 16 && from.getMetadata().getIpVersion() == 4)) {
            return Optional.empty();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = from.get(InetAddress.getByAddress(literal.get()), Map.class);
            return Optional.ofNullable(record);
        } catch (UnknownHostException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // A damaged record costs the place of one request, never the request itself.
            LOG.warn("address database lookup failed: {}", e.toString());
            return Optional.empty();
        }
    }

    private static OptionalLong asnOf(Optional<Map<String, Object>> record) {
        Object number = record.map(fields -> fields.get("autonomous_system_number")).orElse(null);
        OptionalDouble value = number(number);
        return value.isPresent() && value.getAsDouble() >= 1 && value.getAsDouble() <= 4_294_967_295L
                && value.getAsDouble() == Math.rint(value.getAsDouble())
                ? OptionalLong.of((long) value.getAsDouble()) : OptionalLong.empty();
    }

    private static Optional<Place.Point> pointOf(Map<String, Object> record) {
        Map<?, ?> fields = record.get("location") instanceof Map<?, ?> location ? location : record;
        OptionalDouble latitude = number(fields.get("latitude"));
        OptionalDouble longitude = number(fields.get("longitude"));
        if (latitude.isEmpty() || longitude.isEmpty() || Math.abs(latitude.getAsDouble()) > 90
                || Math.abs(longitude.getAsDouble()) > 180) {
            return Optional.empty();
        }
        OptionalDouble radius = number(fields.get("accuracy_radius"));
        int radiusKm = radius.isPresent() && radius.getAsDouble() >= 0
                ? (int) Math.min(Math.ceil(radius.getAsDouble()), 20_040) : ASSUMED_RADIUS_KM;
        return Optional.of(new Place.Point(latitude.getAsDouble(), longitude.getAsDouble(), radiusKm));
    }

    /** A number, as the reader decodes one (Integer, Long, BigInteger, Float, Double), or as numeric text. */
    private static OptionalDouble number(Object value) {
        if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
            return OptionalDouble.of(number.doubleValue());
        }
        if (value instanceof String text && !text.isBlank()) {
            try {
                double parsed = Double.parseDouble(text.strip());
                return Double.isFinite(parsed) ? OptionalDouble.of(parsed) : OptionalDouble.empty();
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
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
        closeQuietly(reader);
        closeQuietly(asnReader);
    }

    private static void closeQuietly(Reader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.warn("closing the address database failed: {}", e.toString());
            }
        }
    }
}
