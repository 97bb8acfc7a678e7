package io.gatehouse.server;

import io.gatehouse.server.access.ReaderStore;
import io.gatehouse.server.alert.AlertController;
import io.gatehouse.server.alert.AlertEngine;
import io.gatehouse.server.alert.AlertMail;
import io.gatehouse.server.alert.Alerts;
import io.gatehouse.server.alert.ReaderOffline;
import io.gatehouse.server.alert.WebhookController;
import io.gatehouse.server.alert.WebhookSender;
import io.gatehouse.server.alert.SyslogSink;
import io.gatehouse.server.alert.Webhooks;
import io.gatehouse.server.audit.AuditFileExport;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.geo.GeoIp;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Anomaly rules over the audit log, the alerts they raise, and their delivery to webhooks, e-mail and syslog; and the
 * audit log as a JSON-lines file for a SIEM. The engine, the sender and the export each run on a thread of their
 * own, started once the server listens; the engine only where {@code alerts.detect} is on.
 */
record AlertsModule(Alerts alerts, Webhooks webhooks, AlertEngine engine, WebhookSender sender,
        Optional<SyslogSink> syslog, Optional<AuditFileExport> export, boolean detect) {

    static AlertsModule open(Core core, GeoIp geoIp) {
        GatehouseConfig.Alerting alerting = core.config().alerting();
        Webhooks webhooks = new Webhooks(core.database(), core.audit(), core.secrets(), core.clock(), core.random(),
                alerting.webhookAllowNetworks());
        Alerts alerts = new Alerts(core.database(), core.audit(), webhooks, core.clock(), core.random(),
                alerting.rules());
        Optional<SyslogSink> syslog = alerting.syslog().map(target -> new SyslogSink(target,
                "cef".equals(alerting.syslogFormat()) ? SyslogSink.Format.CEF : SyslogSink.Format.RFC5424,
                hostname(), Gatehouse.class.getPackage().getImplementationVersion() == null ? "dev"
                        : Gatehouse.class.getPackage().getImplementationVersion()));
        syslog.ifPresent(sink -> alerts.afterRaise(sink::offer));
        // The file is checked now, before the server listens: a file of another log stops the start.
        Optional<AuditFileExport> export = alerting.auditExportFile().map(file -> new AuditFileExport(
                core.database(), core.audit(), file, core.config().dataDirectory().resolve(
                        "audit-export-position")));
        export.ifPresent(AuditFileExport::resume);
        AlertEngine engine = new AlertEngine(core.database(), core.audit(), alerts, geoIp, core.clock());
        engine.byClock(new ReaderOffline(ReaderStore::silentPastBundle));
        return new AlertsModule(alerts, webhooks, engine, new WebhookSender(core.database(), webhooks), syslog,
                export, alerting.detect());
    }

    /** Mails alerts to the configured addresses through {@code outbox}, in the transaction that raises them. */
    void mailThrough(io.gatehouse.server.mail.Outbox outbox, GatehouseConfig config,
            java.util.function.UnaryOperator<String> link) {
        GatehouseConfig.Alerting alerting = config.alerting();
        if (alerting.emailTo().isEmpty()) {
            return;
        }
        AlertMail mail = new AlertMail(outbox, alerting.emailTo(), io.gatehouse.server.alert.Severity.parse(
                alerting.emailMinSeverity()).orElseThrow(), config.visitors().siteZone(), link);
        alerts.deliverInRaise(mail::enqueue);
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "gatehouse";
        }
    }

    void register(Web web) {
        new AlertController(alerts, web.auth(), web.maxBody()).register(web.routes());
        new WebhookController(webhooks, web.auth(), web.maxBody()).register(web.routes());
    }

    void schedule(Background background) {
        if (detect) {
            engine.start();
            background.every("alert rules by the clock", AlertEngine.SWEEP.toSeconds(), AlertEngine.SWEEP.toSeconds(),
                    TimeUnit.SECONDS, engine::sweep);
        }
        sender.start();
        background.stopsWith(engine);
        background.stopsWith(sender);
        syslog.ifPresent(sink -> {
            sink.start();
            background.stopsWith(sink);
        });
        export.ifPresent(file -> {
            file.start();
            background.stopsWith(file);
        });
    }
}
