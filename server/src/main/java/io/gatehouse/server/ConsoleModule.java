package io.gatehouse.server;

import io.gatehouse.server.console.CodeSignIn;
import io.gatehouse.server.console.CodesPages;
import io.gatehouse.server.console.ConsoleAccess;
import io.gatehouse.server.console.ConsoleBootstrap;
import io.gatehouse.server.console.ConsoleController;
import io.gatehouse.server.console.AlertRulesPages;
import io.gatehouse.server.console.AlertsPages;
import io.gatehouse.server.console.AnalyticsPages;
import io.gatehouse.server.console.ApplicationsPages;
import io.gatehouse.server.console.AuditPages;
import io.gatehouse.server.console.ConsoleSessionController;
import io.gatehouse.server.console.ConsoleSessions;
import io.gatehouse.server.console.DoorsPages;
import io.gatehouse.server.console.KiosksPages;
import io.gatehouse.server.console.OverviewPages;
import io.gatehouse.server.console.PeoplePages;
import io.gatehouse.server.console.SettingsPages;
import io.gatehouse.server.console.TokenPages;
import io.gatehouse.server.console.WebhooksPages;
import io.gatehouse.server.oidc.OidcClients;
import io.gatehouse.server.user.User;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The admin console: sessions signed in with passkeys, the bootstrap link's first administrator, and the pages of
 * each section over the same services the API uses.
 */
public record ConsoleModule(ConsoleSessions sessions, ConsoleAccess access, ConsoleBootstrap bootstrap,
        CodeSignIn codes) {

    static ConsoleModule open(Core core, Services services, PasskeyModule passkeys, Web web) {
        ConsoleSessions sessions = new ConsoleSessions(core.database(), core.audit(), services.people().users(),
                core.config().console(), core.clock(), core.random());
        ConsoleAccess access = new ConsoleAccess(sessions, web.links(), web.maxBody(), core.clock());
        ConsoleBootstrap bootstrap = new ConsoleBootstrap(core.database(), services.auth().bootstrap(),
                services.people().users(), services.access().devices(), passkeys.passkeys(), sessions);
        CodeSignIn codes = new CodeSignIn(core.database(), core.audit(), services.people().users(),
                services.people().policies(), services.totp().verifier(), sessions);
        return new ConsoleModule(sessions, access, bootstrap, codes);
    }

    void register(Web web, Core core, Services services, PasskeyModule passkeys, InsightModule insight,
            OidcClients oidcClients, KioskModule kiosk, AlertsModule alerts) {
        new ConsoleController(sessions, access, bootstrap, codes, passkeys.passkeys(), core.clock(), web.maxBody())
                .register(web.routes());
        new ConsoleSessionController(sessions, services.people().users(), core.database(), web.auth())
                .register(web.routes());
        new TokenPages(services.auth().tokens(), access, core.clock(), web.maxBody()).register(web.routes());
        new SettingsPages(services.people().policies(), services.reader().mintingKeys(), access, web.maxBody())
                .register(web.routes());
        new PeoplePages(services.people().users(), services.people().people(), services.people().lockouts(),
                services.totp().enrollments(), services.access().devices(), access, web.links(), web.maxBody())
                .register(web.routes());
        new OverviewPages(insight.insights(), insight.trail(), insight.streams(), services.access().readers(),
                alerts.alerts()).register(web.routes());
        new AuditPages(insight.trail(), insight.exports(), insight.verification(), insight.users())
                .register(web.routes());
        new AnalyticsPages(insight.insights()).register(web.routes());
        new DoorsPages(services.access().sites(), services.access().edits(), services.access().readers(),
                services.reader().sync(), web.links(), web.maxBody()).register(web.routes());
        new ApplicationsPages(oidcClients, access, web.links(), web.maxBody()).register(web.routes());
        new CodesPages(services.codes().codes(), web.maxBody()).register(web.routes());
        new KiosksPages(kiosk.kiosks(), web.links(), web.maxBody()).register(web.routes());
        // The rules and webhooks before /console/alerts/{id}, which would otherwise take their paths.
        Function<String, Optional<String>> usernames = id -> core.database().read(tx -> services.people().users()
                .find(tx, id)).map(User::username);
        new AlertRulesPages(alerts.alerts(), access, web.maxBody()).register(web.routes());
        new WebhooksPages(alerts.webhooks(), actor -> AlertsPages.actor(usernames, actor), access, web.maxBody())
                .register(web.routes());
        new AlertsPages(alerts.alerts(), usernames, web.maxBody()).register(web.routes());
    }

    void schedule(Background background) {
        background.every("console session pruning", 1, 60, TimeUnit.MINUTES, sessions::prune);
    }
}
