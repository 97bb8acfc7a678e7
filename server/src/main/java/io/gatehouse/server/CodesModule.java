package io.gatehouse.server;

import io.gatehouse.server.codes.CodeController;
import io.gatehouse.server.codes.ManagedCodes;
import io.gatehouse.server.codes.OwnLink;
import io.gatehouse.server.codes.Purpose;
import io.gatehouse.server.codes.UserAgents;
import io.gatehouse.server.geo.GeoIp;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Managed QR codes and their scan analytics, with the address databases that give scans their country (and the alert
 * rules their places).
 */
public record CodesModule(ManagedCodes codes, GeoIp geoIp) implements AutoCloseable {

    static CodesModule open(Core core) {
        GeoIp geoIp = GeoIp.open(core.config().codes().geoipDatabase(), core.config().codes().asnDatabase());
        URI base = core.config().publicBaseUrl().orElse(null);
        ManagedCodes codes = new ManagedCodes(core.database(), core.audit(), core.secrets(), core.clock(),
                core.random(), new UserAgents(), geoIp, core.config().codes().scanRetention(), path -> {
                    if (base == null) {
                        throw new IllegalStateException("no public base URL is configured and the server does not"
                                + " listen yet");
                    }
                    String text = base.toString();
                    return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path;
                });
        return new CodesModule(codes, geoIp);
    }

    /** The features whose links have codes answer for them (see {@link io.gatehouse.server.codes.OwnLink}). */
    void registerLinks(OwnLink totpEnrollments, OwnLink deviceEnrollments, OwnLink readerProvisioning) {
        codes.register(Purpose.TOTP_ENROLLMENT, totpEnrollments);
        codes.register(Purpose.DEVICE_ENROLLMENT, deviceEnrollments);
        codes.register(Purpose.READER_PROVISIONING, readerProvisioning);
    }

    void register(Web web) {
        codes.publishAt(web.links()::to);
        new CodeController(codes, web.auth(), web.maxBody()).register(web.routes());
    }

    void schedule(Background background) {
        background.every("scan retention", 1, 60, TimeUnit.MINUTES, codes::purgeScans);
    }

    @Override
    public void close() {
        geoIp.close();
    }
}
