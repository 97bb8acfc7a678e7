package io.gatehouse.server;

import io.gatehouse.server.access.Readers;
import io.gatehouse.server.reader.BundleKeys;
import io.gatehouse.server.reader.ReaderSync;
import io.gatehouse.server.reader.ReaderSyncController;
import io.gatehouse.server.wallet.MintingKeyController;
import io.gatehouse.server.wallet.MintingKeys;

/**
 * Offline readers: bundle-signing keys, the minting keys bundles publish (and the scan decision verifies minted codes
 * with), provisioning, signed bundles and event upload.
 */
public record ReaderModule(BundleKeys bundleKeys, MintingKeys mintingKeys, ReaderSync sync) {

    static ReaderModule open(Core core, CodesModule codes) {
        BundleKeys bundleKeys = new BundleKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        MintingKeys mintingKeys = new MintingKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        return new ReaderModule(bundleKeys, mintingKeys, new ReaderSync(core.database(), core.audit(), bundleKeys,
                mintingKeys, core.clock(), core.random(), codes.codes()));
    }

    void register(Web web, Readers readers) {
        new ReaderSyncController(sync, readers, web.auth(), web.links(), web.maxBody()).register(web.routes());
        new MintingKeyController(mintingKeys, web.auth()).register(web.routes());
    }
}
