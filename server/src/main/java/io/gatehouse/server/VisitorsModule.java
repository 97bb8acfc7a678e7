package io.gatehouse.server;

import io.gatehouse.server.mail.MailTransport;
import io.gatehouse.server.mail.Mailer;
import io.gatehouse.server.mail.Outbox;
import io.gatehouse.server.visitor.VisitPageController;
import io.gatehouse.server.visitor.VisitorController;
import io.gatehouse.server.visitor.VisitorPasses;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Mail and visitor passes: the outbox and its sender (when an SMTP server is configured), invitations, the pass's
 * page, and the retention of visitors' personal data. Scans of passes are decided by
 * {@link io.gatehouse.server.visitor.VisitorPassDecisions}, which the access module holds.
 */
public record VisitorsModule(Outbox outbox, VisitorPasses passes) implements AutoCloseable {

    static VisitorsModule open(Core core, PeopleModule people, io.gatehouse.server.codes.ManagedCodes codes,
            Web web) {
        Optional<MailTransport> transport = core.config().mail().enabled()
                ? Optional.of(new Mailer(core.config().mail(), core.clock())) : Optional.empty();
        Outbox outbox = new Outbox(core.database(), core.secrets(), transport, core.clock(), core.random());
        VisitorPasses passes = new VisitorPasses(core.database(), core.audit(), outbox, core.secrets(),
                people.users(), core.config().visitors(), web.links()::base, core.clock(), core.random(),
                new io.gatehouse.server.kiosk.ShortCodes(core.random()), codes);
        return new VisitorsModule(outbox, passes);
    }

    void register(Web web) {
        new VisitorController(passes, web.auth(), web.maxBody()).register(web.routes());
        new VisitPageController(passes).register(web.routes());
    }

    /** The outbox's own sender thread (an SMTP conversation must not hold the shared one), and retention. */
    void schedule(Background background) {
        outbox.start();
        background.every("visitor retention", 60, 3600, TimeUnit.SECONDS, passes::eraseExpired);
    }

    @Override
    public void close() {
        outbox.close();
    }
}
