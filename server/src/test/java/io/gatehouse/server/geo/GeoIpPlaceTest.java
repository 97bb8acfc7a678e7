package io.gatehouse.server.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.maxmind.db.Reader;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.testing.MmdbWriter;
import io.gatehouse.server.testing.PlaceDatabases;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-side MaxMind DB writer read back by MaxMind's own reader, and the places {@link GeoIp} answers from the
 * GeoLite2 City and ASN layouts and from the flat ip-location-db layouts.
 */
class GeoIpPlaceTest {
    @TempDir
    Path directory;

    @Test
    void the_writers_files_read_back_with_maxminds_reader_record_for_record() throws IOException {
        String longText = "x".repeat(70_000);
        Path file = new MmdbWriter("Test-Types")
                .add("198.51.100.0/24", Map.of("text", "São Paulo", "double", 52.52, "float", 13.5f,
                        "uint16", (short) 1000, "uint32", 4_000_000_000L, "flag", true,
                        "list", List.of("a", "b"), "nested", Map.of("iso_code", "DE")))
                .add("198.51.100.128/25", Map.of("text", "inside"))
                .add("2001:db8::/32", Map.of("text", "v6", "long", longText))
                .write(directory.resolve("types.mmdb"));
        try (Reader reader = new Reader(file.toFile())) {
            assertThat(reader.getMetadata().getDatabaseType()).isEqualTo("Test-Types");
            assertThat(reader.getMetadata().getIpVersion()).isEqualTo(6);
            @SuppressWarnings("unchecked")
            Map<String, Object> record = reader.get(InetAddress.getByName("198.51.100.7"), Map.class);
            assertThat(record).containsEntry("text", "São Paulo").containsEntry("double", 52.52)
                    .containsEntry("float", 13.5f).containsEntry("uint16", 1000).containsEntry("uint32",
                            4_000_000_000L).containsEntry("flag", true).containsEntry("list", List.of("a", "b"))
                    .containsEntry("nested", Map.of("iso_code", "DE"));
            assertThat(reader.get(InetAddress.getByName("198.51.100.200"), Map.class))
                    .as("a more specific network overrides its part").isEqualTo(Map.of("text", "inside"));
            assertThat(reader.get(InetAddress.getByName("2001:db8:1::5"), Map.class))
                    .isEqualTo(Map.of("text", "v6", "long", longText));
            assertThat(reader.get(InetAddress.getByName("198.51.101.1"), Map.class)).isNull();
            assertThat(reader.get(InetAddress.getByName("2001:db9::1"), Map.class)).isNull();
        }
    }

    @Test
    void a_city_and_an_asn_database_give_country_network_and_point_with_its_radius() {
        try (GeoIp geo = GeoIp.open(Optional.of(PlaceDatabases.city(directory, false)),
                Optional.of(PlaceDatabases.asn(directory)))) {
            Place berlin = geo.place(PlaceDatabases.BERLIN);
            assertThat(berlin.country()).contains("DE");
            assertThat(berlin.asn()).isEqualTo(OptionalLong.of(3320));
            assertThat(berlin.point()).contains(new Place.Point(52.52, 13.405, 20));
            assertThat(geo.place(PlaceDatabases.BERLIN_MOBILE).asn()).isEqualTo(OptionalLong.of(64500));
            assertThat(geo.place(PlaceDatabases.SOMEWHERE_IN_SPAIN).point().orElseThrow().radiusKm())
                    .isEqualTo(1000);
            assertThat(geo.country(PlaceDatabases.SYDNEY)).contains("AU");
            assertThat(geo.place("10.1.2.3")).isEqualTo(Place.UNKNOWN);
            assertThat(geo.place("2001:db8::1")).isEqualTo(Place.UNKNOWN);
            assertThat(geo.place("local")).isEqualTo(Place.UNKNOWN);
            assertThat(geo.description()).contains("GeoLite2-City").contains("GeoLite2-ASN");
        }
    }

    @Test
    void the_flat_ip_location_db_layouts_give_the_same_with_an_assumed_radius() throws IOException {
        // As the free city and ASN databases write them: float coordinates, absent when unknown.
        Path city = new MmdbWriter("city ipv4")
                .add("198.51.100.0/24", Map.of("country_code", "DE", "city", "Berlin", "state1", "Berlin",
                        "latitude", 52.52f, "longitude", 13.405f, "timezone", "Europe/Berlin"))
                .add("203.0.113.0/24", Map.of("country_code", "AT", "city", ""))
                .write(directory.resolve("flat-city.mmdb"));
        Path asn = new MmdbWriter("asn ipv4")
                .add("198.51.100.0/24", PlaceDatabases.asn(3320, "Fixed line"))
                .write(directory.resolve("flat-asn.mmdb"));
        try (GeoIp geo = GeoIp.open(Optional.of(city), Optional.of(asn))) {
            Place berlin = geo.place(PlaceDatabases.BERLIN);
            assertThat(berlin.country()).contains("DE");
            assertThat(berlin.asn()).isEqualTo(OptionalLong.of(3320));
            Place.Point point = berlin.point().orElseThrow();
            assertThat(point.latitude()).isCloseTo(52.52, within(1e-4));
            assertThat(point.longitude()).isCloseTo(13.405, within(1e-4));
            assertThat(point.radiusKm()).isEqualTo(GeoIp.ASSUMED_RADIUS_KM);
            Place vienna = geo.place("203.0.113.5");
            assertThat(vienna.country()).contains("AT");
            assertThat(vienna.point()).isEmpty();
            assertThat(vienna.asn()).isEmpty();
        }
    }

    @Test
    void an_asn_database_alone_gives_networks_and_a_file_that_is_no_database_is_refused_in_one_line()
            throws IOException {
        try (GeoIp geo = GeoIp.open(Optional.empty(), Optional.of(PlaceDatabases.asn(directory)))) {
            assertThat(geo.enabled()).isTrue();
            assertThat(geo.place(PlaceDatabases.SYDNEY)).isEqualTo(new Place(Optional.empty(), OptionalLong.of(1221),
                    Optional.empty()));
        }
        Path notADatabase = Files.writeString(directory.resolve("asn.txt"), "1.0.0.0,1.0.0.255,13335,Cloudflare\n");
        assertThatThrownBy(() -> GeoIp.open(Optional.of(PlaceDatabases.city(directory, false)),
                Optional.of(notADatabase))).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(
                        e.problems()).singleElement().asString().startsWith("the address database " + notADatabase
                                + " cannot be read as a MaxMind DB file").doesNotContain("\n"));
    }

    @Test
    void distances_are_great_circle_less_both_radii() {
        Place.Point berlin = new Place.Point(52.52, 13.405, 20);
        Place.Point sydney = new Place.Point(-33.8688, 151.2093, 20);
        // Berlin to Sydney is about 16,000 km along the great circle.
        assertThat(berlin.distanceKm(sydney)).isCloseTo(16_000, within(150.0));
        assertThat(berlin.certainDistanceKm(sydney)).isCloseTo(berlin.distanceKm(sydney) - 40, within(1e-6));
        assertThat(berlin.distanceKm(berlin)).isZero();
        Place.Point spain = new Place.Point(40.0, -4.0, 1000);
        assertThat(berlin.certainDistanceKm(new Place.Point(40.4168, -3.7038, 20))).isGreaterThan(1_800);
        assertThat(berlin.certainDistanceKm(spain)).isLessThan(1_000);
        assertThat(new Place.Point(0, 0, 0).distanceKm(new Place.Point(0, 180, 0)))
                .isCloseTo(Math.PI * Place.Point.EARTH_RADIUS_KM, within(1e-6));
    }
}
