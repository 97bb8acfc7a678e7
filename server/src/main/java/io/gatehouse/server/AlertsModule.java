package io.gatehouse.server;

import io.gatehouse.server.access.ReaderStore;
import io.gatehouse.server.alert.AlertController;
import io.gatehouse.server.alert.AlertEngine;
import io.gatehouse.server.alert.Alerts;
import io.gatehouse.server.alert.ReaderOffline;
import io.gatehouse.server.alert.WebhookController;
import io.gatehouse.server.alert.WebhookSender;
import io.gatehouse.server.alert.SyslogSink;
import io.gatehouse.server.alert.Webhooks;
import io.gatehouse.server.config.GatehouseConfig;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Anomaly rules over the audit log, the alerts they raise, and their delivery to webhooks and syslog. The engine and the sender
 * each run on a thread of their own, started once the server listens.
 */
record AlertsModule(Alerts alerts, Webhooks webhooks, AlertEngine engine, WebhookSender sender,
        Optional<SyslogSink> syslog) {

    static AlertsModule open(Core core) {
        Webhooks webhooks = new Webhooks(core.database(), core.audit(), core.secrets(), core.clock(), core.random());
        Alerts alerts = new Alerts(core.database(), core.audit(), webhooks, core.clock(), core.random());
        GatehouseConfig.Alerting alerting = core.config().alerting();
        Optional<SyslogSink> syslog = alerting.syslog().map(target -> new SyslogSink(target,
                "cef".equals(alerting.syslogFormat()) ? SyslogSink.Format.CEF : SyslogSink.Format.RFC5424,
                hostname(), Gatehouse.class.getPackage().getImplementationVersion() == null ? "dev"
                        : Gatehouse.class.getPackage().getImplementationVersion()));
        syslog.ifPresent(sink -> alerts.afterRaise(sink::offer));
        AlertEngine engine = new AlertEngine(core.database(), core.audit().feed(), alerts, core.clock());
        engine.byClock(new ReaderOffline(ReaderStore::silentPastBundle));
        return new AlertsModule(alerts, webhooks, engine, new WebhookSender(core.database(), webhooks), syslog);
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
        engine.start();
        sender.start();
        background.every("alert rules by the clock", AlertEngine.SWEEP.toSeconds(), AlertEngine.SWEEP.toSeconds(),
                TimeUnit.SECONDS, engine::sweep);
        background.stopsWith(engine);
        background.stopsWith(sender);
        syslog.ifPresent(sink -> {
            sink.start();
            background.stopsWith(sink);
        });
    }
}
