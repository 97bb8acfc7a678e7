package io.gatehouse.server;

import io.gatehouse.server.kiosk.CheckIns;
import io.gatehouse.server.kiosk.HostNotices;
import io.gatehouse.server.kiosk.KioskController;
import io.gatehouse.server.kiosk.KioskPages;
import io.gatehouse.server.kiosk.Kiosks;
import io.gatehouse.server.kiosk.PassBinding;
import io.gatehouse.server.kiosk.PassDoors;
import io.gatehouse.server.kiosk.ShortCodes;
import io.gatehouse.server.passkey.PasskeyRelyingParty;
import io.gatehouse.server.passkey.PasskeySettings;
import io.gatehouse.server.passkey.TrustRoots;
import io.gatehouse.server.wallet.Minter;

/**
 * The lobby kiosk and bound passes: pairing kiosks, checking visitors in at them, binding a pass to the visitor's
 * phone, and the door codes of bound passes. The passes' passkeys have a relying party of their own (the same
 * identity and settings as people's passkeys, over the passes' table).
 */
public record KioskModule(Kiosks kiosks, CheckIns checkIns, ShortCodes shortCodes, PassBinding binding,
        PassDoors doors) {

    static KioskModule open(Core core, Services services, HostNotices hosts, Web web) {
        PasskeySettings settings = PasskeyModule.settings(core.config().passkeys());
        PasskeyRelyingParty relyingParty = new PasskeyRelyingParty(() -> web.links().base(), core.config().issuer(),
                settings, TrustRoots.load(settings, core.clock()), core.clock());
        Kiosks kiosks = new Kiosks(core.database(), core.audit(), core.clock(), core.random());
        CheckIns checkIns = new CheckIns(core.database(), core.audit(), hosts, () -> web.links().to(""),
                core.clock(), core.random());
        PassBinding binding = new PassBinding(core.database(), core.audit(), relyingParty,
                new Minter(services.reader().mintingKeys(), core.random()), core.clock(), core.random());
        return new KioskModule(kiosks, checkIns, new ShortCodes(core.random()), binding,
                new PassDoors(core.database(), services.access().sites()));
    }

    void register(Web web, Core core) {
        new KioskController(kiosks, web.auth(), web.links(), web.maxBody()).register(web.routes());
        new KioskPages(kiosks, checkIns, binding, doors, web.links(), core.config().visitors().siteZone(),
                core.clock(), web.maxBody()).register(web.routes());
    }
}
