package io.gatehouse.server.kiosk;

import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.DoorStore;
import io.gatehouse.server.access.SiteAdmin;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.visitor.Visitor;
import io.gatehouse.server.visitor.VisitorStore;
import java.util.List;
import java.util.Optional;

/** The doors a pass opens, by name, as the kiosk's welcome lists them. */
public final class PassDoors {
    private final Database database;
    private final SiteAdmin sites;

    public PassDoors(Database database, SiteAdmin sites) {
        this.database = database;
        this.sites = sites;
    }

    /**
     * The names of the doors the pass invites directly and of the doors of its zones, in the access feature's order;
     * a lobby has a few dozen doors at most, so the first page of doors is all of them.
     */
    public String describe(String visitorId) {
        Optional<Visitor> visitor = database.read(tx -> VisitorStore.byId(tx, visitorId));
        if (visitor.isEmpty()) {
            return "";
        }
        List<Door.View> doors = sites.doors(Page.of(Page.MAX_LIMIT, null), new DoorStore.DoorFilter(Optional.empty(),
                Optional.empty())).items();
        List<String> names = doors.stream().filter(door -> visitor.get().invites(door.id(), door.zoneId()))
                .map(Door.View::name).toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
