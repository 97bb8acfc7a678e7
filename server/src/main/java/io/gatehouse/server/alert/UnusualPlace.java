package io.gatehouse.server.alert;

import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.geo.GeoIp;
import io.gatehouse.server.geo.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Rule#UNUSUAL_PLACE}: a sign-in or verification (see {@link Whereabouts}) from a country none of the person's
 * located events within the window came from, or else from an autonomous system none came from (only when a database
 * gives autonomous systems). The summary names the new country or network and the ones the person used; it never
 * names an address.
 */
final class UnusualPlace implements Detector {
    /** Earlier countries or networks a summary names, the most recently used first. */
    private static final int MAX_NAMED = 3;
    /** Evidence kept per alert: the record itself and the newest record of each of the most recent addresses. */
    private static final int MAX_EVIDENCE = 20;

    private final GeoIp geoIp;

    UnusualPlace(GeoIp geoIp) {
        this.geoIp = geoIp;
    }

    @Override
    public Rule rule() {
        return Rule.UNUSUAL_PLACE;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a successful sign-in or verification of a known person, from an address.
        if (!Whereabouts.counts(record) || !geoIp.enabled()) {
            return List.of();
        }
        // 2. Its country and network; an address the databases do not know says nothing new.
        Place place = geoIp.place(record.clientAddress());
        if (place.country().isEmpty() && place.asn().isEmpty()) {
            return List.of();
        }
        // 3. The person's earlier located events within the window; too few, and the person is still being learnt.
        List<Whereabouts.Located> earlier = Whereabouts.earlier(tx, geoIp, record, settings.window()).stream()
                .filter(located -> located.place().country().isPresent() || located.place().asn().isPresent())
                .toList();
        long events = earlier.stream().mapToLong(located -> located.use().records()).sum();
        if (events < settings.threshold()) {
            return List.of();
        }
        // 4. Novelty: a country none of them came from, else a network none of them came from.
        Optional<String> novelty = novel(place, earlier, located -> located.country())
                .map(country -> "country " + country + "; earlier: " + named(earlier, Place::country))
                .or(() -> novel(place, earlier, located -> asn(located))
                        .map(asn -> "network " + asn + "; earlier: " + named(earlier, UnusualPlace::asn)));
        if (novelty.isEmpty()) {
            return List.of();
        }
        String summary = record.action() + " from a place not seen for this person in " + events
                + " located event" + (events == 1 ? "" : "s") + " within " + Whereabouts.span(settings.window()) + ": "
                + novelty.get();
        List<Long> evidence = new ArrayList<>();
        evidence.add(record.id());
        earlier.stream().limit(MAX_EVIDENCE - 1).map(located -> located.use().newestId()).forEach(evidence::add);
        return List.of(new Alert.Raised(rule(), settings.severity(), "user:" + record.user(), summary,
                evidence.stream().sorted().toList(), rule().code() + "|" + record.eventId()));
    }

    /** {@code place}'s value of {@code part} when it has one that no earlier place has. */
    private static Optional<String> novel(Place place, List<Whereabouts.Located> earlier,
            Function<Place, Optional<String>> part) {
        return part.apply(place).filter(value -> earlier.stream()
                .noneMatch(located -> part.apply(located.place()).equals(Optional.of(value))));
    }

    private static String named(List<Whereabouts.Located> earlier, Function<Place, Optional<String>> part) {
        List<String> names = earlier.stream().map(located -> part.apply(located.place())).flatMap(Optional::stream)
                .distinct().toList();
        if (names.isEmpty()) {
            return "none known";
        }
        return String.join(", ", names.subList(0, Math.min(MAX_NAMED, names.size())))
                + (names.size() > MAX_NAMED ? " and " + (names.size() - MAX_NAMED) + " more" : "");
    }

    private static Optional<String> asn(Place place) {
        return place.asn().isPresent() ? Optional.of("AS" + place.asn().getAsLong()) : Optional.empty();
    }
}
