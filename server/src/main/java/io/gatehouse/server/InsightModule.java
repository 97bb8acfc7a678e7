package io.gatehouse.server;

import io.gatehouse.server.audit.AuditController;
import io.gatehouse.server.audit.AuditExport;
import io.gatehouse.server.audit.AuditStreamController;
import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.AuditVerifier;
import io.gatehouse.server.audit.ChainVerification;
import io.gatehouse.server.audit.UserLookup;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.insight.InsightController;
import io.gatehouse.server.insight.Insights;
import java.util.concurrent.TimeUnit;

/**
 * What the console's Overview, Audit and Analytics pages read, and the API serves too: the audit trail, its
 * exports, the chain's state, the live feed and the counts.
 *
 * @param users answers the audit query's questions about users
 */
public record InsightModule(AuditTrail trail, AuditExport exports, ChainVerification verification,
        Insights insights, UserLookup users, AuditStreamController streams) {
    /** How often the server verifies the whole chain by itself, so that a request rarely waits for it. */
    static final long VERIFY_EVERY_MINUTES = 15;

    static InsightModule open(Core core, Devices devices, UserLookup users, Web web) {
        AuditVerifier verifier = new AuditVerifier(core.keyring(), core.clock(), Core.auditHeadFile(core.config()));
        AuditController.Access read = ctx -> web.auth().require(ctx, Permission.AUDIT_READ).actor();
        return new InsightModule(new AuditTrail(core.database()),
                new AuditExport(core.database(), core.audit(), core.clock()),
                new ChainVerification(core.database(), verifier, core.clock()),
                new Insights(core.database(), devices, core.clock()), users,
                new AuditStreamController(core.database(), core.audit().feed(), read, users,
                        AuditStreamController.HEARTBEAT));
    }

    void register(Web web) {
        AuditController.Access read = ctx -> web.auth().require(ctx, Permission.AUDIT_READ).actor();
        AuditController.Access export = ctx -> web.auth().require(ctx, Permission.AUDIT_EXPORT).actor();
        new AuditController(trail, read, export, users, exports, verification).register(web.routes());
        streams.register(web.routes());
        new InsightController(insights, web.auth()).register(web.routes());
    }

    void schedule(Background background) {
        background.every("audit chain verification", VERIFY_EVERY_MINUTES, VERIFY_EVERY_MINUTES, TimeUnit.MINUTES,
                verification::verifyNow);
    }
}
