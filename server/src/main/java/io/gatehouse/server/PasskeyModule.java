package io.gatehouse.server;

import io.gatehouse.server.passkey.PasskeyController;
import io.gatehouse.server.passkey.PasskeyRelyingParty;
import io.gatehouse.server.passkey.PasskeyService;
import io.gatehouse.server.passkey.PasskeySettings;
import io.gatehouse.server.passkey.TemporaryPasskeyDevices;
import io.gatehouse.server.passkey.TrustRoots;

/** Passkey devices: the WebAuthn relying party under the server's public base URL, and its ceremonies. */
record PasskeyModule(PasskeyService passkeys) {

    static PasskeyModule open(Core core, PeopleModule people, Web web, PasskeySettings settings) {
        PasskeyRelyingParty relyingParty = new PasskeyRelyingParty(() -> web.links().base(), core.config().issuer(),
                settings, TrustRoots.load(settings, core.clock()), core.clock());
        return new PasskeyModule(new PasskeyService(core.database(), core.audit(),
                new TemporaryPasskeyDevices(core.audit(), people.users(), core.clock(), core.random()), relyingParty,
                core.clock(), core.random()));
    }

    void register(Web web) {
        new PasskeyController(passkeys, web.maxBody()).register(web.routes());
    }
}
