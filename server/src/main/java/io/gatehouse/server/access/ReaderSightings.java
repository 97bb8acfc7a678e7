package io.gatehouse.server.access;

import io.gatehouse.server.db.Database;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When readers were last seen on scans and event uploads, kept in memory and written once a minute ({@link #flush},
 * run by the background task): a scan must not wait for a write of its own, and a reader scanning all day costs one
 * small write a minute. Bundle fetches write theirs at once, in the write that takes the bundle version. A crash
 * loses at most a minute of sightings, which only makes a reader look offline a little earlier.
 */
final class ReaderSightings {
    private record Sighting(long atMillis, OptionalLong pendingEvents) {
    }

    private final Database database;
    private final Clock clock;
    private final Map<String, Sighting> unwritten = new ConcurrentHashMap<>();

    ReaderSightings(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Notes that the reader made an authenticated call now, with the pending event count it reported, if any. */
    void seen(String readerId, OptionalLong pendingEvents) {
        long now = clock.millis();
        unwritten.merge(readerId, new Sighting(now, pendingEvents), (older, newer) -> new Sighting(
                Math.max(older.atMillis(), newer.atMillis()),
                newer.pendingEvents().isPresent() ? newer.pendingEvents() : older.pendingEvents()));
    }

    /** Writes the sightings noted since the last flush, in one transaction; returns how many readers it wrote. */
    int flush() {
        if (unwritten.isEmpty()) {
            return 0;
        }
        Map<String, Sighting> batch = new HashMap<>();
        for (String readerId : unwritten.keySet()) {
            Sighting sighting = unwritten.remove(readerId);
            if (sighting != null) {
                batch.put(readerId, sighting);
            }
        }
        database.inTransaction(tx -> {
            batch.forEach((readerId, sighting) -> ReaderStore.recordSighting(tx, readerId, sighting.atMillis(),
                    sighting.pendingEvents()));
            return null;
        });
        return batch.size();
    }
}
