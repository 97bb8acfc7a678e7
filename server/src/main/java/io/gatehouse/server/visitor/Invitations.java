package io.gatehouse.server.visitor;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.mail.MailMessage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The invitation e-mail: plain text and HTML, the pass's QR code as an inline PNG ({@code cid:}), the window in the
 * site's time zone, the doors' names, the host's name and a link to the pass's page. The QR code holds only the
 * managed-code link with its random handle; the e-mail itself carries the visitor's name, which is why the outbox
 * seals it and deletes it once sent.
 */
public final class Invitations {
    static final String PURPOSE = "visitor_invitation";
    static final String IMAGE_ID = "visitor-pass-qr";
    /** Eight pixels a module: a version 4 symbol (a 27-character handle after a short base) is about 300 px. */
    private static final int MODULE_PIXELS = 8;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm",
            Locale.ENGLISH);
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Invitations() {
    }

    /** What the HTML template shows. */
    public record Content(String name, Optional<String> hostName, String from, String until, String timeZone,
            int maxEntries, List<String> places, Optional<String> note, String passPage, String imageId,
            int imageWidth, String shortCode) {
    }

    /**
     * The message to {@code visitor}'s address.
     *
     * @param link the QR code's text, {@code <base>/q/<handle>}
     * @param passPage the pass's page, {@code <base>/visit/<handle>}
     * @param places the names of the invited doors and zones
     * @param shortCode the code to type at a lobby kiosk instead of showing the QR code
     */
    static MailMessage of(Visitor visitor, String link, String passPage, List<String> places,
            Optional<String> hostName, ZoneId zone, String shortCode) {
        QrCode code = QrCode.encode(link, ErrorCorrection.M);
        byte[] png = code.toPng(MODULE_PIXELS);
        int width = (code.size() + 2 * QrCode.DEFAULT_QUIET_ZONE) * MODULE_PIXELS;
        Content content = new Content(visitor.name().orElseThrow(), hostName, when(visitor.from(), zone),
                when(visitor.until(), zone), zone.getId(), visitor.maxEntries(), places, visitor.note(), passPage,
                IMAGE_ID, width, shortCode);
        StringOutput html = new StringOutput();
        ENGINE.render("visitor/invitation.jte", Map.of("invitation", content), html);
        return new MailMessage(visitor.email().orElseThrow(), "Your visitor pass", text(content),
                html.toString(), List.of(new MailMessage.InlineImage(IMAGE_ID, "image/png", png)));
    }

    static String when(Instant instant, ZoneId zone) {
        return WHEN.format(instant.atZone(zone));
    }

    private static String text(Content content) {
        StringBuilder text = new StringBuilder("Hello ").append(content.name()).append(",\n\n");
        text.append(content.hostName().map(host -> host + " has invited you.").orElse("You have been invited."))
                .append("\n\nValid from: ").append(content.from()).append("\nValid until: ").append(content.until())
                .append("\nTime zone: ").append(content.timeZone()).append("\nEntries: up to ")
                .append(content.maxEntries()).append("\nDoors: ").append(String.join(", ", content.places()))
                .append("\n\n");
        content.note().ifPresent(note -> text.append("A note from your host: ").append(note).append("\n\n"));
        text.append("At the lobby kiosk, show the QR code or type this code: ").append(content.shortCode())
                .append("\n\n");
        text.append("Show the QR code of this e-mail (in its HTML version) at the reader of a door.\nYour pass and"
                + " its details: ").append(content.passPage()).append("\n\nAnyone who has this e-mail or its code"
                + " can use the pass: please do not forward it.\n");
        return text.toString();
    }
}
