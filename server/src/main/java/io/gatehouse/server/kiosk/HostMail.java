package io.gatehouse.server.kiosk;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.mail.MailMessage;
import io.gatehouse.server.mail.Outbox;
import io.gatehouse.server.user.UserService;
import io.gatehouse.server.visitor.Visitor;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells the host by e-mail that their visitor checked in, through the outbox (sent after the check-in commits).
 * People have no e-mail address of their own in Gatehouse: a host is mailed when their username is an address; a
 * host without one (or a server without SMTP) is not told, and the check-in's audit record says so.
 */
public final class HostMail implements HostNotices {
    static final String PURPOSE = "visitor_check_in";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm",
            Locale.ENGLISH);

    private final Outbox outbox;
    private final UserService users;
    private final ZoneId siteZone;

    public HostMail(Outbox outbox, UserService users, ZoneId siteZone) {
        this.outbox = outbox;
        this.users = users;
        this.siteZone = siteZone;
    }

    @Override
    public Optional<String> checkedIn(Tx tx, Visitor visitor, Kiosk kiosk, Instant at) {
        if (!outbox.enabled() || visitor.hostUserId().isEmpty()) {
            return Optional.empty();
        }
        Optional<String> address = users.find(tx, visitor.hostUserId().get()).map(user -> user.username())
                .filter(name -> name.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        String name = visitor.name().orElse("Your visitor");
        String when = WHEN.format(at.atZone(siteZone)) + " (" + siteZone.getId() + ")";
        String text = name + " checked in at " + kiosk.name() + " on " + when + ".\n";
        String html = "<p>" + escape(name) + " checked in at " + escape(kiosk.name()) + " on " + escape(when)
                + ".</p>";
        return Optional.of(outbox.enqueue(tx, PURPOSE, visitor.id(), new MailMessage(address.get(), "Your visitor "
                + "checked in", text, html, List.of())));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
