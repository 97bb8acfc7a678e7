package io.gatehouse.server.alert;

import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.geo.GeoIp;
import io.gatehouse.server.geo.Place;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Rule#IMPOSSIBLE_TRAVEL}: a sign-in or verification (see {@link Whereabouts}) too far from the person's
 * previous located one within the window for the time between them. The distance is the great-circle distance less
 * both accuracy radii, so that two imprecise locations that may be one place never fire. The summary names the two
 * countries, the distance, the time and the speed; never an address or a city.
 */
final class ImpossibleTravel implements Detector {
    /** The shortest time a speed is computed over: two events in the same second still have a finite speed. */
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

    private final GeoIp geoIp;

    ImpossibleTravel(GeoIp geoIp) {
        this.geoIp = geoIp;
    }

    @Override
    public Rule rule() {
        return Rule.IMPOSSIBLE_TRAVEL;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a successful sign-in or verification of a known person, from an address.
        if (!Whereabouts.counts(record) || !geoIp.enabled()) {
            return List.of();
        }
        // 2. Its location; without one there is no distance.
        Place place = geoIp.place(record.clientAddress());
        if (place.point().isEmpty()) {
            return List.of();
        }
        // 3. The person's previous located event within the window: the most recently used address with a location.
        Optional<Whereabouts.Located> previous = Whereabouts.earlier(tx, geoIp, record, settings.window()).stream()
                .filter(located -> located.place().point().isPresent())
                .findFirst();
        if (previous.isEmpty()) {
            return List.of();
        }
        // 4. The distance that is certain; overlapping circles may be one place.
        double km = previous.get().place().point().orElseThrow().certainDistanceKm(place.point().orElseThrow());
        if (km <= 0) {
            return List.of();
        }
        // 5. The speed over the time between them, at or below the threshold a traveller can reach.
        long millis = Math.max(Math.abs(Whereabouts.millis(record) - previous.get().use().newestMillis()),
                MIN_INTERVAL.toMillis());
        double hours = millis / 3_600_000.0;
        double speed = km / hours;
        if (speed <= settings.threshold()) {
            return List.of();
        }
        String summary = String.format(Locale.ROOT, "%s from %s, %s after this person's previous located event from"
                + " %s: at least %,d km apart, %,d km/h (more than %,d km/h)", record.action(), country(place),
                interval(millis), country(previous.get().place()), Math.round(km), Math.round(speed),
                settings.threshold());
        return List.of(new Alert.Raised(rule(), settings.severity(), "user:" + record.user(), summary,
                List.of(previous.get().use().newestId(), record.id()).stream().sorted().toList(),
                rule().code() + "|" + record.eventId()));
    }

    private static String country(Place place) {
        return place.country().orElse("an unknown country");
    }

    private static String interval(long millis) {
        long minutes = Math.round(millis / 60_000.0);
        return minutes < 120 ? minutes + " min" : String.format(Locale.ROOT, "%.1f h", millis / 3_600_000.0);
    }
}
