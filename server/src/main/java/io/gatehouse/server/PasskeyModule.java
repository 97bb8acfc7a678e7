package io.gatehouse.server;

import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.device.PasskeyDeviceRecords;
import io.gatehouse.server.passkey.PasskeyController;
import io.gatehouse.server.passkey.PasskeyRelyingParty;
import io.gatehouse.server.passkey.PasskeyService;
import io.gatehouse.server.passkey.PasskeySettings;
import io.gatehouse.server.passkey.TrustRoots;
import io.gatehouse.server.wallet.DoorCodes;
import io.gatehouse.server.wallet.Minter;
import io.gatehouse.server.wallet.MintingKeys;
import io.gatehouse.server.wallet.WalletController;
import java.util.Optional;

/**
 * Passkey devices and the web wallet: the WebAuthn relying party under the server's public base URL, its
 * ceremonies, and the door codes minted for verified assertions.
 */
record PasskeyModule(PasskeyService passkeys, DoorCodes doorCodes) {

    static PasskeyModule open(Core core, PeopleModule people, AccessModule access, Web web) {
        PasskeySettings settings = settings(core.config().passkeys());
        PasskeyRelyingParty relyingParty = new PasskeyRelyingParty(() -> web.links().base(), core.config().issuer(),
                settings, TrustRoots.load(settings, core.clock()), core.clock());
        PasskeyService passkeys = new PasskeyService(core.database(), core.audit(), new PasskeyDeviceRecords(
                access.devices(), core.audit(), people.users(), core.clock(), core.random()), relyingParty,
                core.clock(), core.random());
        MintingKeys mintingKeys = new MintingKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        mintingKeys.ensureActive();
        return new PasskeyModule(passkeys, new DoorCodes(core.database(), core.audit(), passkeys, access.devices(),
                new Minter(mintingKeys, core.random()), core.clock()));
    }

    /** The operator's settings; the metadata root is the FIDO root Gatehouse ships. */
    static PasskeySettings settings(GatehouseConfig.Passkeys config) {
        return new PasskeySettings(config.algorithms(), config.metadataBlob(), Optional.empty(),
                config.metadataCrls(), config.extraRoots());
    }

    void register(Web web) {
        new PasskeyController(passkeys, web.maxBody()).register(web.routes());
        new WalletController(doorCodes, web.maxBody()).register(web.routes());
    }
}
