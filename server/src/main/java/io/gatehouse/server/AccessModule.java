package io.gatehouse.server;

import io.gatehouse.server.access.AccessController;
import io.gatehouse.server.access.PassDecisions;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.ScanService;
import io.gatehouse.server.access.AccessItemController;
import io.gatehouse.server.access.SiteAdmin;
import io.gatehouse.server.access.SiteEdits;
import io.gatehouse.server.alert.Flags;
import io.gatehouse.server.device.DeviceController;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.wallet.MintingKeys;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.TimeUnit;

/** Doors: sites, zones, doors and rules, readers, the devices that open them, and the scan decision. */
public record AccessModule(SiteAdmin sites, SiteEdits edits, Readers readers, Devices devices, ScanService scans) {

    static AccessModule open(Core core, PeopleModule people, MintingKeys mintingKeys, PassDecisions passes,
            CodesModule codes) {
        return new AccessModule(
                new SiteAdmin(core.database(), core.audit(), people.users(), core.clock(), core.random()),
                new SiteEdits(core.database(), core.audit()),
                new Readers(core.database(), core.audit(), core.clock(), core.random()),
                new Devices(core.database(), core.audit(), people.users(), core.clock(), core.random(),
                        codes.codes()),
                new ScanService(core.database(), core.audit(), mintingKeys, passes,
                        new Flags(core.config().alerting().flagWindow(), core.clock()), core.clock()));
    }

    void register(Web web) {
        new AccessController(sites, readers, scans, web.auth(), web.maxBody()).register(web.routes(),
                (decision, reason) -> Counter.builder("gatehouse.scans").tag("decision", decision)
                        .tag("reason", reason == null ? "" : reason).register(web.registry()).increment());
        new AccessItemController(edits, sites, readers, web.auth(), web.maxBody()).register(web.routes());
        new DeviceController(devices, web.auth(), web.links(), web.maxBody()).register(web.routes());
    }

    void schedule(Background background) {
        background.every("replay record pruning", 60, 60, TimeUnit.SECONDS, scans::pruneReplayRecords);
        background.every("reader sightings", 60, 60, TimeUnit.SECONDS, readers::writeSightings);
    }
}
