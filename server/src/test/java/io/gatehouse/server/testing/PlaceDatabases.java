package io.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small address databases for tests, written with {@link MmdbWriter} in the GeoLite2 City and ASN layouts: the
 * documentation networks placed in chosen cities. Each constant is an address in one of them.
 */
public final class PlaceDatabases {
    /** Berlin, Germany, 20 km; network AS3320. */
    public static final String BERLIN = "198.51.100.20";
    /** Berlin too, through another network: AS64500 (a mobile network, say). */
    public static final String BERLIN_MOBILE = "203.0.113.140";
    /** Vienna, Austria, 20 km; AS8447. */
    public static final String VIENNA = "203.0.113.20";
    /** São Paulo, Brazil, 50 km; AS28573. */
    public static final String SAO_PAULO = "192.0.2.10";
    /** Sydney, Australia, 20 km; AS1221. */
    public static final String SYDNEY = "192.0.2.70";
    /** Madrid, Spain, 20 km; AS3352. */
    public static final String MADRID = "192.0.2.140";
    /** Spain as a whole: the middle of the country with a radius of 1,000 km, as a country-level record has. */
    public static final String SOMEWHERE_IN_SPAIN = "192.0.2.200";

    private PlaceDatabases() {
    }

    /** A GeoLite2 City database with the places above, and loopback in Berlin when {@code loopbackInBerlin}. */
    public static Path city(Path directory, boolean loopbackInBerlin) {
        MmdbWriter writer = new MmdbWriter("GeoLite2-City")
                .add("198.51.100.0/24", city("DE", "Berlin", 52.5200, 13.4050, 20))
                .add("203.0.113.0/25", city("AT", "Vienna", 48.2082, 16.3738, 20))
                .add("203.0.113.128/25", city("DE", "Berlin", 52.5200, 13.4050, 20))
                .add("192.0.2.0/26", city("BR", "São Paulo", -23.5505, -46.6333, 50))
                .add("192.0.2.64/26", city("AU", "Sydney", -33.8688, 151.2093, 20))
                .add("192.0.2.128/26", city("ES", "Madrid", 40.4168, -3.7038, 20))
                .add("192.0.2.192/26", country("ES", 40.0, -4.0, 1000));
        if (loopbackInBerlin) {
            writer.add("127.0.0.0/8", city("DE", "Berlin", 52.5200, 13.4050, 20));
        }
        return write(writer, directory.resolve(loopbackInBerlin ? "city-loopback.mmdb" : "city.mmdb"));
    }

    /** A GeoLite2 ASN database for the same networks. */
    public static Path asn(Path directory) {
        return write(new MmdbWriter("GeoLite2-ASN")
                .add("198.51.100.0/24", asn(3320, "Fixed line"))
                .add("203.0.113.0/25", asn(8447, "Austrian line"))
                .add("203.0.113.128/25", asn(64500, "Mobile network"))
                .add("192.0.2.0/26", asn(28573, "Brazilian line"))
                .add("192.0.2.64/26", asn(1221, "Australian line"))
                .add("192.0.2.128/25", asn(3352, "Spanish line")), directory.resolve("asn.mmdb"));
    }

    /** A record of the GeoLite2 City layout. */
    public static Map<String, Object> city(String country, String city, double latitude, double longitude,
            int radiusKm) {
        Map<String, Object> record = country(country, latitude, longitude, radiusKm);
        record.put("city", Map.of("geoname_id", 1L, "names", Map.of("en", city)));
        return record;
    }

    private static Map<String, Object> country(String country, double latitude, double longitude, int radiusKm) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("country", Map.of("geoname_id", 2L, "iso_code", country, "names", Map.of("en", country)));
        record.put("location", Map.of("latitude", latitude, "longitude", longitude, "accuracy_radius",
                (short) radiusKm, "time_zone", "UTC"));
        return record;
    }

    /** A record of the GeoLite2 ASN layout (the flat ip-location-db ASN layout is the same). */
    public static Map<String, Object> asn(long number, String organization) {
        return Map.of("autonomous_system_number", number, "autonomous_system_organization", organization);
    }

    private static Path write(MmdbWriter writer, Path file) {
        try {
            return writer.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
