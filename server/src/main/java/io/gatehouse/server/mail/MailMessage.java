package io.gatehouse.server.mail;

import java.util.List;
import java.util.Objects;

/**
 * One e-mail to send: a plain-text body and an HTML alternative whose inline images it references as
 * {@code cid:<contentId>}.
 */
public record MailMessage(String to, String subject, String text, String html, List<InlineImage> images) {
    public MailMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        images = List.copyOf(images);
    }

    /** An image the HTML body shows inline. */
    public record InlineImage(String contentId, String mediaType, byte[] bytes) {
        public InlineImage {
            Objects.requireNonNull(contentId, "contentId");
            Objects.requireNonNull(mediaType, "mediaType");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
