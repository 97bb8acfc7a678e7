package io.gatehouse.server.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.ServerPerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pass rows of migration V26 as the store reads and changes them, on both databases. */
@DatabaseTest
class VisitorStoreTest extends ServerPerTest {
    String zoneId;
    String doorId;
    String otherZoneDoor;

    @BeforeEach
    void setUp() {
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Lobby"));
        doorId = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Front door"));
        String otherZone = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Labs"));
        otherZoneDoor = server.createdId("/api/v1/doors", Map.of("zoneId", otherZone, "name", "Lab door"));
    }

    private String insert(String handle, List<String> doors, List<String> zones, Instant from, Instant until,
            int maxEntries) {
        String id = "vis_" + handle;
        database.inTransaction(tx -> {
            VisitorStore.insert(tx, new VisitorStore.NewVisitor(id, Ids.sha256(handle), new byte[] {1, 2},
                    "Vera Visitor", "vera@example.com", Optional.of("bring ID"), Optional.empty(), from, until,
                    maxEntries, doors, zones, "test", from));
            return null;
        });
        return id;
    }

    private boolean changed(java.util.function.Predicate<io.gatehouse.server.db.Tx> change) {
        Boolean result = database.inTransaction(change::test);
        return result;
    }

    @Test
    void entries_are_counted_up_to_the_maximum_and_not_after_revocation() {
        Instant now = server.clock().instant();
        String id = insert("h1", List.of(doorId), List.of(), now, now.plus(Duration.ofHours(1)), 2);
        assertThat(changed(tx -> VisitorStore.recordEntry(tx, id, now))).isTrue();
        assertThat(changed(tx -> VisitorStore.recordEntry(tx, id, now))).isTrue();
        assertThat(changed(tx -> VisitorStore.recordEntry(tx, id, now))).isFalse();
        Visitor read = database.read(tx -> VisitorStore.byHandleHash(tx, Ids.sha256("h1"))).orElseThrow();
        assertThat(read.entriesUsed()).isEqualTo(2);
        assertThat(read.state(now)).isEqualTo(PassState.USED_UP);
        assertThat(read.doorIds()).containsExactly(doorId);

        String other = insert("h2", List.of(), List.of(zoneId), now, now.plus(Duration.ofHours(1)), 5);
        assertThat(changed(tx -> VisitorStore.revoke(tx, other, now))).isTrue();
        assertThat(changed(tx -> VisitorStore.revoke(tx, other, now))).isFalse();
        assertThat(changed(tx -> VisitorStore.recordEntry(tx, other, now))).isFalse();
        Optional<byte[]> sealed = database.read(tx -> VisitorStore.sealedHandle(tx, other, now));
        assertThat(sealed).isEmpty();
    }

    @Test
    void erasure_keeps_a_pseudonymous_row_and_door_lists_carry_digests() {
        Instant now = server.clock().instant();
        String byZone = insert("h3", List.of(), List.of(zoneId), now, now.plus(Duration.ofHours(2)), 3);
        insert("h4", List.of(otherZoneDoor), List.of(), now, now.plus(Duration.ofHours(2)), 3);
        List<VisitorStore.DoorPass> passes = database.read(tx -> VisitorStore.passesForDoor(tx, doorId, zoneId, now));
        assertThat(passes).extracting(VisitorStore.DoorPass::visitorId).containsExactly(byZone);
        assertThat(passes.get(0).handleHash()).isEqualTo(Ids.sha256("h3"));

        List<String> due = database.read(tx -> VisitorStore.dueForErasure(tx, now.plus(Duration.ofHours(3)), 10));
        assertThat(due).hasSize(2);
        assertThat(changed(tx -> VisitorStore.erase(tx, byZone, now))).isTrue();
        Visitor erased = database.read(tx -> VisitorStore.byId(tx, byZone)).orElseThrow();
        assertThat(erased.name()).isEmpty();
        assertThat(erased.email()).isEmpty();
        assertThat(erased.note()).isEmpty();
        assertThat(erased.zoneIds()).containsExactly(zoneId);
        assertThat(changed(tx -> VisitorStore.recordEntry(tx, byZone, now))).isFalse();
        List<Page.Keyed<Visitor>> active = database.read(tx -> VisitorStore.list(tx, Page.of(10, null),
                Optional.of(PassState.ACTIVE), now));
        assertThat(active).extracting(row -> row.value().id()).containsExactly("vis_h4");
    }
}
