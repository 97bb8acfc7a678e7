package io.gatehouse.server;

import io.gatehouse.server.access.Readers;
import io.gatehouse.server.reader.BundleKeys;
import io.gatehouse.server.reader.ReaderSync;
import io.gatehouse.server.reader.ReaderSyncController;

/** Offline readers: bundle-signing keys, provisioning, signed bundles and event upload. */
public record ReaderModule(BundleKeys bundleKeys, ReaderSync sync) {

    static ReaderModule open(Core core) {
        BundleKeys bundleKeys = new BundleKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                core.random());
        return new ReaderModule(bundleKeys, new ReaderSync(core.database(), core.audit(), bundleKeys, core.clock(),
                core.random()));
    }

    void register(Web web, Readers readers) {
        new ReaderSyncController(sync, readers, web.auth(), web.links(), web.maxBody()).register(web.routes());
    }
}
