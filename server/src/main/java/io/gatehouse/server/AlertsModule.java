package io.gatehouse.server;

import io.gatehouse.server.alert.AlertController;
import io.gatehouse.server.alert.AlertEngine;
import io.gatehouse.server.alert.Alerts;
import io.gatehouse.server.alert.WebhookController;
import io.gatehouse.server.alert.WebhookSender;
import io.gatehouse.server.alert.Webhooks;

/**
 * Anomaly rules over the audit log, the alerts they raise, and their delivery to webhooks. The engine and the sender
 * each run on a thread of their own, started once the server listens.
 */
record AlertsModule(Alerts alerts, Webhooks webhooks, AlertEngine engine, WebhookSender sender) {

    static AlertsModule open(Core core) {
        Webhooks webhooks = new Webhooks(core.database(), core.audit(), core.secrets(), core.clock(), core.random());
        Alerts alerts = new Alerts(core.database(), core.audit(), webhooks, core.clock(), core.random());
        return new AlertsModule(alerts, webhooks, new AlertEngine(core.database(), core.audit().feed(), alerts),
                new WebhookSender(core.database(), webhooks));
    }

    void register(Web web) {
        new AlertController(alerts, web.auth(), web.maxBody()).register(web.routes());
        new WebhookController(webhooks, web.auth(), web.maxBody()).register(web.routes());
    }

    void schedule(Background background) {
        engine.start();
        sender.start();
        background.stopsWith(engine);
        background.stopsWith(sender);
    }
}
