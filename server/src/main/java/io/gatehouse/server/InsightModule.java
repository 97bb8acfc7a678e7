package io.gatehouse.server;

import io.gatehouse.server.audit.AuditController;
import io.gatehouse.server.audit.AuditExport;
import io.gatehouse.server.audit.AuditStreamController;
import io.gatehouse.server.audit.AuditVerifier;
import io.gatehouse.server.audit.ChainVerification;
import io.gatehouse.server.audit.UserLookup;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.insight.InsightController;
import io.gatehouse.server.insight.Insights;
import java.util.concurrent.TimeUnit;

/** What the console's Overview, Audit and Analytics pages read: the audit trail, its exports, chain and counts. */
public record InsightModule(Core core, AuditExport exports, ChainVerification verification, Insights insights) {
    /** How often the server verifies the whole chain by itself, so that a request rarely waits for it. */
    static final long VERIFY_EVERY_MINUTES = 15;

    static InsightModule open(Core core, Devices devices) {
        AuditVerifier verifier = new AuditVerifier(core.keyring(), core.clock(), Core.auditHeadFile(core.config()));
        return new InsightModule(core, new AuditExport(core.database(), core.audit(), core.clock()),
                new ChainVerification(core.database(), verifier, core.clock()),
                new Insights(core.database(), devices, core.clock()));
    }

    /** @param users answers the audit query's questions about users */
    void register(Web web, UserLookup users) {
        AuditController.Access read = ctx -> web.auth().require(ctx, Permission.AUDIT_READ).actor();
        AuditController.Access export = ctx -> web.auth().require(ctx, Permission.AUDIT_EXPORT).actor();
        new AuditController(core.database(), read, export, users, exports, verification).register(web.routes());
        new AuditStreamController(core.database(), core.audit().feed(), read, users,
                AuditStreamController.HEARTBEAT).register(web.routes());
        new InsightController(insights, web.auth()).register(web.routes());
    }

    void schedule(Background background) {
        background.every("audit chain verification", VERIFY_EVERY_MINUTES, VERIFY_EVERY_MINUTES, TimeUnit.MINUTES,
                verification::verifyNow);
    }
}
