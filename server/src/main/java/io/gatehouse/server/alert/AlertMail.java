package io.gatehouse.server.alert;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.mail.MailMessage;
import io.gatehouse.server.mail.Outbox;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Alerts by e-mail: one message to each configured address, queued in the durable outbox in the transaction that
 * raises the alert (a crash loses none and a restart sends none twice), for alerts of at least the configured
 * severity. A message carries what the alert carries and nothing more: its rule, severity, subject id, summary,
 * time in the site's time zone, the ids of the audit records that are its evidence and the link to the alert in
 * the console. No name, address or username of the person is looked up for it.
 */
public final class AlertMail {
    static final String PURPOSE = "alert";
    /** Longest summary put into a subject line; the body carries it whole. */
    static final int SUBJECT_SUMMARY = 120;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm:ss",
            Locale.ENGLISH);
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private final Outbox outbox;
    private final List<String> recipients;
    private final Severity minimum;
    private final ZoneId zone;
    private final UnaryOperator<String> link;

    /**
     * @param recipients the addresses, each mailed a message of its own
     * @param minimum the least severity mailed
     * @param zone the site's time zone, which the time is shown in
     * @param link a path on this server (starting with '/') as the absolute URL the mail links to
     */
    public AlertMail(Outbox outbox, List<String> recipients, Severity minimum, ZoneId zone,
            UnaryOperator<String> link) {
        this.outbox = outbox;
        this.recipients = List.copyOf(recipients);
        this.minimum = minimum;
        this.zone = zone;
        this.link = link;
    }

    /** What the HTML template shows. */
    public record Content(String rule, String severity, String subject, String summary, String time,
            String timeZone, List<Long> evidence, String link) {
    }

    /** Queues the alert's messages in {@code tx}, the transaction that raises it; none below the severity. */
    public void enqueue(Tx tx, Alert alert) {
        if (!outbox.enabled() || alert.severity().compareTo(minimum) < 0) {
            return;
        }
        for (String to : recipients) {
            outbox.enqueue(tx, PURPOSE, alert.id(), message(to, alert));
        }
    }

    MailMessage message(String to, Alert alert) {
        Content content = new Content(alert.rule().code(), alert.severity().code(), alert.subject(),
                alert.summary(), WHEN.format(alert.createdAt().atZone(zone)), zone.getId(), alert.evidence(),
                link.apply("/console/alerts/" + alert.id()));
        StringOutput html = new StringOutput();
        ENGINE.render("alert/mail.jte", Map.of("alert", content), html);
        return new MailMessage(to, subject(alert), text(content), html.toString(), List.of());
    }

    /** {@code [Gatehouse] HIGH failure_spike: <summary>}, on one line and cut at {@link #SUBJECT_SUMMARY}. */
    static String subject(Alert alert) {
        String summary = alert.summary().replaceAll("\\p{Cntrl}+", " ").strip();
        if (summary.length() > SUBJECT_SUMMARY) {
            summary = summary.substring(0, SUBJECT_SUMMARY - 1) + "…";
        }
        return "[Gatehouse] " + alert.severity().code().toUpperCase(Locale.ROOT) + " " + alert.rule().code() + ": "
                + summary;
    }

    private static String text(Content content) {
        return "Gatehouse raised an alert.\n\n"
                + "Rule: " + content.rule() + "\n"
                + "Severity: " + content.severity() + "\n"
                + "Subject: " + content.subject() + "\n"
                + "Summary: " + content.summary() + "\n"
                + "Time: " + content.time() + " (" + content.timeZone() + ")\n"
                + "Evidence (audit record ids): " + String.join(", ", content.evidence().stream()
                        .map(String::valueOf).toList()) + "\n\n"
                + "Look into it, acknowledge and resolve it in the console: " + content.link() + "\n";
    }
}
